//===- test_outputs.cpp - formatting outputs as text and JSON -------------===//
#include "runtime/data/outputs.h"
#include "tests/bytecode/samples.h"

#include <doctest/doctest.h>

using namespace smpc;
using bc::ElemType;

namespace {

std::vector<uint64_t> s64(std::initializer_list<int64_t> v) {
  std::vector<uint64_t> r;
  for (int64_t x : v)
    r.push_back(uint64_t(x));
  return r;
}

} // namespace

TEST_CASE("output formatting: text and JSON") {
  std::vector<vm::OutputValue> outs;
  auto e = [](const std::string &n, ElemType t, uint8_t nd, uint32_t r, uint32_t c) {
    bc::IoEntry x;
    x.name = n, x.elem = t, x.ndims = nd, x.rows = r, x.cols = c;
    return x;
  };
  outs.push_back({e("mean", ElemType::Fix, 0, 1, 1), {testing::fx(54.285714)}});
  outs.push_back({e("hist", ElemType::Int, 1, 3, 1), s64({2, -6, 4})});
  outs.push_back(
      {e("m", ElemType::Fix, 2, 2, 2), {testing::fx(1), testing::fx(-0.5), 0, testing::fx(2.25)}});
  outs.push_back({e("ok", ElemType::Bool, 0, 1, 1), {1}});
  outs.push_back({e("neg", ElemType::Fix, 0, 1, 1), {uint64_t(-1)}});
  CHECK(data::formatOutputsText(outs, 16) ==
        "mean = 54.285721\nhist = [2, -6, 4]\nm = [[1, -0.5], [0, 2.25]]\nok = true\n"
        "neg = -0.000015\n");
  CHECK(
      data::outputsJson(outs, 16).dump() ==
      R"({"hist":[2,-6,4],"m":[[1.0,-0.5],[0.0,2.25]],"mean":54.28572082519531,"neg":-1.52587890625e-05,"ok":true})");
  CHECK(data::formatElement(ElemType::Fix, uint64_t(int64_t(-1) << 15), 16) == "-0.5");
  CHECK(data::formatElement(ElemType::Fix, 0, 16) == "0");
}

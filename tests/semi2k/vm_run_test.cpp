//===- vm_run_test.cpp - whole programs: vm::run under semi2k vs clear ----===//
//
// A hand-built program exercising every interactive instruction (in round
// groups and alone) runs on 2 and 3 semi2k parties and on the clear
// reference; the outputs must agree (truncations within +1 ulp).
//===----------------------------------------------------------------------===//
#include "tests/semi2k/harness.h"
#include "vm/bytecode/cost.h"
#include "vm/bytecode/serialize.h"
#include "vm/core/machine.h"
#include "vm/protocols/clear/clear.h"

#include <doctest/doctest.h>
#include <mutex>

using namespace smpc;
using namespace smpc::testing;

namespace {

bc::Instr I(bc::Op op, std::initializer_list<int64_t> a) {
  bc::Instr in;
  in.op = op;
  size_t k = 0;
  for (int64_t v : a)
    in.a[k++] = v;
  return in;
}

bc::IoEntry io(const char *name, bc::ElemType t, uint32_t rows, uint32_t party,
               std::vector<uint32_t> to = {}, bool secret = true) {
  bc::IoEntry e;
  e.name = name;
  e.elem = t;
  e.ndims = rows == 1 ? 0 : 1;
  e.rows = rows;
  e.party = party;
  e.recipients = std::move(to);
  e.secret = secret;
  return e;
}

// prod = a*b (fixed point), lt = a < b, eq = a == b, dot = a@b, opened = prod.
bc::Program program() {
  using bc::Op;
  bc::Program p;
  p.fracBits = 16;
  p.minParties = 2;
  p.inputs = {io("a", bc::ElemType::Fix, 4, 0), io("b", bc::ElemType::Fix, 4, 1)};
  p.outputs = {io("prod", bc::ElemType::Fix, 4, 0), io("lt", bc::ElemType::Bool, 4, 0, {0}),
               io("eq", bc::ElemType::Bool, 4, 0, {1}), io("dot", bc::ElemType::Fix, 1, 0),
               io("opened", bc::ElemType::Fix, 4, 0, {}, false)};
  p.sregLen = {4, 4, 4, 4, 4, 4, 4, 1, 1};
  p.pregLen = {4};
  p.code = {
      I(Op::Round, {2}),
      I(Op::Input, {0, 0}),
      I(Op::Input, {1, 1}),
      I(Op::SubSS, {4, 0, 1}),
      I(Op::Round, {3}),
      I(Op::MulSS, {2, 0, 1}),
      I(Op::MatMulSS, {7, 0, 1, 1, 4, 1}),
      I(Op::LtzS, {5, 4}),
      I(Op::Round, {3}),
      I(Op::TruncS, {3, 2, 16}),
      I(Op::TruncS, {8, 7, 16}),
      I(Op::EqzS, {6, 4}),
      I(Op::Open, {0, 3}),
      I(Op::OutputS, {3, 0}),
      I(Op::OutputS, {5, 1}),
      I(Op::OutputS, {6, 2}),
      I(Op::OutputS, {8, 3}),
      I(Op::OutputP, {0, 4}),
  };
  // bc::opMaterial of the code above: 4 products, a 1x4 by 4x1 matrix
  // product (9 elements), 5 truncations, 4 ltz and 4 eqz (an edaBit and a
  // daBit per element, one word of 123 and one of 63 AND triples).
  using bc::Material;
  p.needs.material[Material::Triple] = 4;
  p.needs.material[Material::MatTriple] = 9;
  p.needs.material[Material::Trunc] = 5;
  p.needs.material[Material::EdaBit] = 8;
  p.needs.material[Material::DaBit] = 8;
  p.needs.material[Material::BoolTriple] = bc::kLtzAndsPerWord + bc::kEqzAndsPerWord;
  return p;
}

uint64_t fx(double v) {
  return static_cast<uint64_t>(static_cast<int64_t>(v * 65536));
}

} // namespace

TEST_CASE("vm::run gives the same outputs under semi2k and clear") {
  const bc::Program prog = program();
  REQUIRE(bc::verifyProgram(prog) == "");
  vm::InputValues a{{"a", {fx(1.5), fx(-2.25), fx(3), fx(0)}}};
  vm::InputValues b{{"b", {fx(2), fx(-2.25), fx(-0.5), fx(7.125)}}};
  vm::InputValues both = a;
  both.insert(b.begin(), b.end());

  vm::ClearProtocol clear(2);
  const auto expect = vm::run(prog, clear, both);
  REQUIRE(expect.size() == 5);

  for (uint32_t n : {2u, 3u, 4u}) {
    const bool prefetch = n != 3; // with and without the header's prediction
    INFO("parties " << n << (prefetch ? ", prefetching" : ""));
    std::vector<std::vector<vm::OutputValue>> got(n);
    std::vector<vm::ProtocolStats> st(n);
    runSemi2k(
        n,
        [&](uint32_t p, semi2k::Semi2k &proto) {
          got[p] = vm::run(prog, proto, p == 0 ? a : p == 1 ? b : vm::InputValues{});
          st[p] = proto.stats();
        },
        prefetch ? &prog.needs : nullptr);
    auto find = [&](uint32_t p, const std::string &name) -> const vm::OutputValue * {
      for (const auto &o : got[p])
        if (o.entry.name == name) return &o;
      return nullptr;
    };
    auto value = [&](const std::string &name) {
      for (const auto &o : expect)
        if (o.entry.name == name) return o.data;
      return std::vector<uint64_t>{};
    };
    for (uint32_t p = 0; p < n; ++p) {
      INFO("party " << p);
      // Only the recipients learn lt (party 0) and eq (party 1).
      CHECK((find(p, "lt") != nullptr) == (p == 0));
      CHECK((find(p, "eq") != nullptr) == (p == 1));
      for (const char *name : {"prod", "dot", "opened", "lt", "eq"}) {
        const vm::OutputValue *o = find(p, name);
        if (!o) continue;
        const auto want = value(name);
        REQUIRE(o->data.size() == want.size());
        for (size_t i = 0; i < want.size(); ++i) {
          const int64_t d = int64_t(o->data[i]) - int64_t(want[i]);
          INFO(name << "[" << i << "]");
          CHECK((d == 0 || d == 1)); // truncation may round up by one ulp
        }
      }
      if (find(p, "lt")) CHECK(find(p, "lt")->data == value("lt"));
      if (find(p, "eq")) CHECK(find(p, "eq")->data == value("eq"));
      CHECK(find(p, "prod")->data == find(p, "opened")->data);
    }
    // Rounds: input group 1, mul/matmul/ltz group 8, trunc/eqz group 8,
    // open 1, four outputs 1 each.
    CHECK(st[0].rounds == 1 + 8 + 8 + 1 + 4);
    // Exactly what the program's needs say: the dealer prefetch is right.
    CHECK(st[0].material == prog.needs.material);
  }
}

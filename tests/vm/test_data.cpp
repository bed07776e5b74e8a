//===- test_data.cpp - input files (CSV/JSON) and output formatting -------===//
#include "runtime/data/inputs.h"
#include "runtime/data/outputs.h"
#include "tests/bytecode/samples.h"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace smpc;
using bc::ElemType;
namespace fs = std::filesystem;

namespace {

// Removed when the test program exits.
struct TmpDir {
  fs::path path;
  ~TmpDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

fs::path tmpDir() {
  static TmpDir d{[] {
    fs::path p = fs::temp_directory_path() / ("smpc_data_test_" + std::to_string(getpid()));
    fs::create_directories(p);
    return p;
  }()};
  return d.path;
}

std::string file(const std::string &name, const std::string &content) {
  fs::path p = tmpDir() / name;
  std::ofstream(p) << content;
  return p.string();
}

bc::IoEntry entry(const std::string &name, ElemType t, uint8_t ndims, uint32_t rows = 1,
                  uint32_t cols = 1) {
  bc::IoEntry e;
  e.name = name;
  e.elem = t;
  e.ndims = ndims;
  e.rows = rows;
  e.cols = cols;
  return e;
}

std::string loadError(const bc::IoEntry &e, const std::string &path) {
  try {
    data::loadInput(e, path, 16);
  } catch (const data::DataError &err) {
    return err.what();
  }
  return "(no error)";
}

std::vector<uint64_t> s64(std::initializer_list<int64_t> v) {
  std::vector<uint64_t> r;
  for (int64_t x : v)
    r.push_back(uint64_t(x));
  return r;
}

} // namespace

TEST_CASE("CSV: scalars, vectors in both layouts, matrices") {
  CHECK(data::loadInput(entry("t", ElemType::Int, 0), file("s.csv", "-42\n"), 16) == s64({-42}));
  CHECK(data::loadInput(entry("v", ElemType::Int, 1, 3), file("v1.csv", "1\n2\n\n+3\n"), 16) ==
        s64({1, 2, 3}));
  CHECK(data::loadInput(entry("v", ElemType::Int, 1, 3), file("v2.csv", " 1, 2 ,3\r\n"), 16) ==
        s64({1, 2, 3}));
  CHECK(data::loadInput(entry("m", ElemType::Int, 2, 2, 3), file("m.csv", "1,2,3\n4,5,6\n"), 16) ==
        s64({1, 2, 3, 4, 5, 6}));
  CHECK(data::loadInput(entry("b", ElemType::Bool, 1, 4), file("b.csv", "1,0,true,false"), 16) ==
        s64({1, 0, 1, 0}));
}

TEST_CASE("fixed point is scaled by 2^f and rounded to nearest") {
  auto v = data::loadInput(entry("f", ElemType::Fix, 1, 4),
                           file("f.csv", "1.5\n-0.25\n0.0000076\n3\n"), 16);
  CHECK(v == std::vector<uint64_t>{testing::fx(1.5), testing::fx(-0.25), 0, testing::fx(3)});
  // 0.0000077 * 65536 = 0.5046 -> rounds to 1
  CHECK(data::loadInput(entry("f", ElemType::Fix, 0), file("g.csv", "0.0000077"), 16) == s64({1}));
}

TEST_CASE("JSON: numbers, arrays, arrays of arrays, booleans") {
  CHECK(data::loadInput(entry("t", ElemType::Fix, 0), file("a.json", "2.5"), 16) ==
        std::vector<uint64_t>{testing::fx(2.5)});
  CHECK(data::loadInput(entry("v", ElemType::Int, 1, 3), file("b.json", "[1, -2, 3]"), 16) ==
        s64({1, -2, 3}));
  CHECK(data::loadInput(entry("m", ElemType::Int, 2, 2, 2), file("c.json", "[[1,2],[3,4]]"), 16) ==
        s64({1, 2, 3, 4}));
  CHECK(data::loadInput(entry("b", ElemType::Bool, 1, 3), file("d.json", "[true, false, 1]"), 16) ==
        s64({1, 0, 1}));
}

TEST_CASE("every data error names the input and the file, and line for CSV") {
  std::string p;
  p = file("bad1.csv", "1\nabc\n3\n");
  CHECK(loadError(entry("a", ElemType::Int, 1, 3), p) ==
        p + ":2: input 'a': field 1 is not an integer");
  p = file("bad2.csv", "1\n2.5\n3\n");
  CHECK(loadError(entry("a", ElemType::Int, 1, 3), p) ==
        p + ":2: input 'a': field 1 is not an integer");
  p = file("bad3.csv", "1,x,3\n");
  CHECK(loadError(entry("a", ElemType::Fix, 1, 3), p) ==
        p + ":1: input 'a': field 2 is not a number");
  p = file("bad4.csv", "nan\n");
  CHECK(loadError(entry("a", ElemType::Fix, 0), p) ==
        p + ":1: input 'a': field 1 is not a finite number (NaN or infinity)");
  p = file("bad5.csv", "inf\n");
  CHECK(loadError(entry("a", ElemType::Fix, 0), p).find("not a finite number") !=
        std::string::npos);
  p = file("bad6.csv", "1e15\n");
  CHECK(loadError(entry("a", ElemType::Fix, 0), p) ==
        p + ":1: input 'a': field 1 is out of the fixed-point range (magnitude below 2^47)");
  p = file("bad7.csv", "99999999999999999999\n");
  CHECK(loadError(entry("a", ElemType::Int, 0), p) ==
        p + ":1: input 'a': field 1 is out of range for a 64-bit integer");
  p = file("bad8.csv", "2\n");
  CHECK(loadError(entry("a", ElemType::Bool, 0), p) ==
        p + ":1: input 'a': field 1 is not a boolean (0, 1, true or false)");
  p = file("bad9.csv", "1\n2\n");
  CHECK(loadError(entry("a", ElemType::Int, 1, 3), p) ==
        p + ": input 'a': expected a vector of 3 values but the file has 2 values");
  p = file("bad10.csv", "1,2\n3,4\n");
  CHECK(
      loadError(entry("a", ElemType::Int, 1, 4), p)
          .find(
              "several values on some lines (a vector is one value per line or one comma-separated "
              "line)") != std::string::npos);
  p = file("bad11.csv", "1,2\n3\n");
  CHECK(loadError(entry("m", ElemType::Int, 2, 2, 2), p) ==
        p + ":2: input 'm': row 2 has 1 values, expected 2");
  p = file("bad12.csv", "1,2\n");
  CHECK(loadError(entry("m", ElemType::Int, 2, 2, 2), p) ==
        p + ": input 'm': expected a 2 x 2 matrix but the file has 1 rows");
  p = file("bad13.csv", "1,\n");
  CHECK(loadError(entry("a", ElemType::Int, 1, 2), p) ==
        p + ":1: input 'a': field 2 is not an integer");
  p = file("empty.csv", "");
  CHECK(loadError(entry("a", ElemType::Int, 0), p) ==
        p + ": input 'a': expected a single value but the file has 0 values");
  CHECK(loadError(entry("a", ElemType::Int, 0), "/nonexistent/x.csv") ==
        "/nonexistent/x.csv: input 'a': cannot open the file");
}

TEST_CASE("JSON data errors") {
  std::string p;
  p = file("j1.json", "[1, 2");
  CHECK(loadError(entry("a", ElemType::Int, 1, 2), p) ==
        p + ": input 'a': the file is not valid JSON");
  p = file("j2.json", "[1, \"x\"]");
  CHECK(loadError(entry("a", ElemType::Int, 1, 2), p) ==
        p + ": input 'a': value 2 is not an integer");
  p = file("j3.json", "[[1, 2], 3]");
  CHECK(loadError(entry("a", ElemType::Int, 2, 2, 2), p) ==
        p + ": input 'a': mixes arrays and single values at the same level (element 2)");
  p = file("j4.json", "[1, 2, 3, 4]");
  CHECK(loadError(entry("m", ElemType::Int, 2, 2, 2), p) ==
        p + ": input 'm': expected a 2 x 2 matrix but the file has a flat array");
  p = file("j5.json", "[1.5]");
  CHECK(loadError(entry("a", ElemType::Int, 1, 1), p) ==
        p + ": input 'a': value 1 is not an integer");
  p = file("j6.json", "[true]");
  CHECK(loadError(entry("a", ElemType::Fix, 1, 1), p) ==
        p + ": input 'a': value 1 is not a number");
  p = file("j7.json", "[[[1]]]");
  CHECK(loadError(entry("a", ElemType::Int, 2, 1, 1), p) ==
        p + ": input 'a': row 1 nests deeper than a matrix");
  p = file("j8.json", "18446744073709551615");
  CHECK(loadError(entry("a", ElemType::Int, 0), p) ==
        p + ": input 'a': value 1 is out of range for a 64-bit integer");
}

TEST_CASE("loadInputs: missing and unknown inputs") {
  bc::Program prog = testing::statsProgram(2);
  std::string a = file("a.csv", "1\n2\n"), b = file("b.csv", "3\n4\n");
  auto v = data::loadInputs(prog, {{"a", a}, {"b", b}});
  CHECK(v.size() == 2);
  CHECK_THROWS_WITH_AS(data::loadInputs(prog, {{"a", a}}),
                       "input 'b' (party 1) has no data: pass --input b=FILE", data::DataError);
  CHECK_THROWS_WITH_AS(data::loadInputs(prog, {{"a", a}, {"b", b}, {"c", b}}),
                       "input 'c' given with --input is not an input of the program (inputs: a, b)",
                       data::DataError);
  // A party loads only what it owns.
  CHECK(data::loadInputs(prog, {{"a", a}}, {0}).count("a") == 1);
  CHECK_THROWS_WITH_AS(data::parseInputArg("a.csv"), "--input takes NAME=FILE, got 'a.csv'",
                       data::DataError);
}

TEST_CASE("file dimensions for parameter inference") {
  CHECK(data::fileDims("a", file("d1.csv", "1\n2\n3\n"), 1) == std::vector<uint64_t>{3});
  CHECK(data::fileDims("a", file("d2.csv", "1,2,3,4\n"), 1) == std::vector<uint64_t>{4});
  CHECK(data::fileDims("m", file("d3.csv", "1,2\n3,4\n5,6\n"), 2) == std::vector<uint64_t>{3, 2});
  CHECK(data::fileDims("m", file("d4.json", "[[1,2,3]]"), 2) == std::vector<uint64_t>{1, 3});
}

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

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
  CHECK(loadError(entry("a", ElemType::Int, 1, 4), p) ==
        p + ":2: input 'a': a vector is one value per line or one comma-separated line, but this "
            "file has several lines and several values on a line");
  p = file("bad10b.csv", "1\n2\n3,4\n");
  CHECK(loadError(entry("a", ElemType::Int, 1, 4), p) ==
        p + ":3: input 'a': a vector is one value per line or one comma-separated line, but this "
            "file has several lines and several values on a line");
  p = file("bad11.csv", "1,2\n3\n");
  CHECK(loadError(entry("m", ElemType::Int, 2, 2, 2), p) ==
        p + ":2: input 'm': row 2 has 1 value, expected 2");
  p = file("bad11b.csv", "1,2\n3,4,5\n");
  CHECK(loadError(entry("m", ElemType::Int, 2, 2, 2), p) ==
        p + ":2: input 'm': row 2 has more than 2 values");
  p = file("bad12.csv", "1,2\n");
  CHECK(loadError(entry("m", ElemType::Int, 2, 2, 2), p) ==
        p + ": input 'm': expected a 2 x 2 matrix but the file has 1 row");
  p = file("bad12b.csv", "1,2\n3,4\n\n5,6\n");
  CHECK(loadError(entry("m", ElemType::Int, 2, 2, 2), p) ==
        p + ":4: input 'm': expected a 2 x 2 matrix but the file has more rows");
  p = file("bad13.csv", "1,\n");
  CHECK(loadError(entry("a", ElemType::Int, 1, 2), p) == p + ":1: input 'a': field 2 is empty");
  p = file("bad14.csv", "7\n8\n");
  CHECK(loadError(entry("a", ElemType::Int, 0), p) ==
        p + ":2: input 'a': expected a single value but the file has more");
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
        p + ": input 'a': the file is not valid JSON (byte 6)");
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

TEST_CASE("JSON: more shape errors, stopping at the first surplus value") {
  std::string p;
  p = file("k1.json", "[1, 2, 3]");
  CHECK(loadError(entry("a", ElemType::Int, 1, 2), p) ==
        p + ": input 'a': expected a vector of 2 values but the file has more (value 3)");
  p = file("k2.json", "[[1, 2], [3, 4], [5, 6]]");
  CHECK(loadError(entry("m", ElemType::Int, 2, 2, 2), p) ==
        p + ": input 'm': expected a 2 x 2 matrix but the file has more rows");
  p = file("k3.json", "[[1, 2], [3]]");
  CHECK(loadError(entry("m", ElemType::Int, 2, 2, 2), p) ==
        p + ": input 'm': row 2 has 1 value, expected 2");
  p = file("k4.json", "[[1, 2], [3, 4, 5]]");
  CHECK(loadError(entry("m", ElemType::Int, 2, 2, 2), p) ==
        p + ": input 'm': row 2 has more than 2 values");
  p = file("k5.json", "[[1, 2], [3, \"x\"]]");
  CHECK(loadError(entry("m", ElemType::Int, 2, 2, 2), p) ==
        p + ": input 'm': row 2, value 2 is not an integer");
  p = file("k6.json", "[1, 2]");
  CHECK(loadError(entry("a", ElemType::Int, 0), p) ==
        p + ": input 'a': expected a single value but the file has an array");
  p = file("k7.json", "5");
  CHECK(loadError(entry("a", ElemType::Int, 1, 2), p) ==
        p + ": input 'a': expected a vector of 2 values but the file has a single value");
  p = file("k8.json", "[[1], [2]]");
  CHECK(loadError(entry("a", ElemType::Int, 1, 2), p) ==
        p + ": input 'a': expected a vector of 2 values but the file has an array of arrays");
  p = file("k9.json", "{\"a\": 1}");
  CHECK(loadError(entry("a", ElemType::Fix, 0), p) == p + ": input 'a': value 1 is not a number");
  p = file("k10.json", "[null]");
  CHECK(loadError(entry("a", ElemType::Bool, 1, 1), p) ==
        p + ": input 'a': value 1 is not a boolean (0, 1, true or false)");
  p = file("k11.json", "");
  CHECK(loadError(entry("a", ElemType::Int, 0), p) ==
        p + ": input 'a': the file is not valid JSON (byte 1)");
  p = file("k12.json", "[]");
  CHECK(loadError(entry("a", ElemType::Int, 1, 2), p) ==
        p + ": input 'a': expected a vector of 2 values but the file has 0 values");
}

TEST_CASE("CSV and JSON agree on what a number means") {
  // 1e-400 is a finite number below half a unit: 0 in both formats; 1e400
  // is out of range in both (JSON's parser overflows on it).
  CHECK(data::loadInput(entry("t", ElemType::Fix, 0), file("tiny.csv", "1e-400\n"), 16) ==
        s64({0}));
  CHECK(data::loadInput(entry("t", ElemType::Fix, 0), file("tiny.json", "1e-400"), 16) == s64({0}));
  std::string c = file("huge.csv", "1e400\n"), j = file("huge.json", "[1e400]");
  CHECK(loadError(entry("t", ElemType::Fix, 0), c) ==
        c + ":1: input 't': field 1 is out of the fixed-point range (magnitude below 2^47)");
  CHECK(loadError(entry("t", ElemType::Fix, 1, 1), j) ==
        j + ": input 't': value 1 is out of the fixed-point range (magnitude below 2^47)");
  std::string ji = file("hugeint.json", "[1" + std::string(400, '0') + "]");
  CHECK(loadError(entry("t", ElemType::Int, 1, 1), ji) ==
        ji + ": input 't': value 1 is out of range for a 64-bit integer");
  // Decimal text is scaled exactly in both: 0.1 -> round(6553.6).
  CHECK(data::loadInput(entry("t", ElemType::Fix, 1, 2), file("d.csv", "0.1,-2.5e-1"), 16) ==
        s64({6554, -16384}));
  CHECK(data::loadInput(entry("t", ElemType::Fix, 1, 2), file("d.json", "[0.1, -2.5e-1]"), 16) ==
        s64({6554, -16384}));
}

TEST_CASE("CSV: what spreadsheets and hand-written files get wrong") {
  std::string p;
  // A UTF-8 byte-order mark (Excel's "CSV UTF-8") is skipped.
  p = file("bom.csv", "\xEF\xBB\xBF"
                      "1,2\n3,4\n");
  CHECK(data::loadInput(entry("m", ElemType::Int, 2, 2, 2), p, 16) == s64({1, 2, 3, 4}));
  p = file("bom1.csv", "\xEF\xBB\xBF"
                       "42");
  CHECK(data::loadInput(entry("t", ElemType::Int, 0), p, 16) == s64({42}));
  p = file("utf16.csv", std::string("\xFF\xFE"
                                    "1\0\n\0",
                                    6));
  CHECK(loadError(entry("t", ElemType::Int, 0), p) ==
        p + ": input 't': the file is UTF-16 text; save it as UTF-8 (\"CSV UTF-8\" in a "
            "spreadsheet)");
  // One sign only.
  p = file("sign.csv", "+-5\n");
  CHECK(loadError(entry("t", ElemType::Int, 0), p) ==
        p + ":1: input 't': field 1 is not an integer");
  p = file("sign2.csv", "-+5\n");
  CHECK(loadError(entry("t", ElemType::Fix, 0), p) == p + ":1: input 't': field 1 is not a number");
  // A thousands separator splits a value in two; the zero-led part says so.
  p = file("thousands.csv", "5\n1,000\n");
  CHECK(loadError(entry("v", ElemType::Int, 1, 3), p) ==
        p + ":2: input 'v': a vector is one value per line or one comma-separated line, but this "
            "file has several lines and several values on a line");
  p = file("thousands2.csv", "1,000\n");
  CHECK(loadError(entry("v", ElemType::Int, 1, 2), p) ==
        p + ":1: input 'v': field 2 starts with a zero followed by digits; write numbers without "
            "leading zeros or thousands separators (1000, not 1,000)");
  p = file("quoted.csv", "\"1,000\"\n");
  CHECK(loadError(entry("v", ElemType::Int, 1, 2), p) ==
        p + ":1: input 'v': field 1 is in quotes; write plain numbers without quotes or "
            "thousands separators");
  // CRLF line ends, spaces and tabs around values, blank lines.
  p = file("crlf.csv", "1 ,\t2\r\n\r\n 3,4 \r\n");
  CHECK(data::loadInput(entry("m", ElemType::Int, 2, 2, 2), p, 16) == s64({1, 2, 3, 4}));
  // A field longer than any number is refused without being kept.
  p = file("long.csv", std::string(5000, '1') + "\n");
  CHECK(loadError(entry("t", ElemType::Int, 0), p) ==
        p + ":1: input 't': field 1 is longer than 1024 characters");
  p = file("bools.csv", "TRUE\nFalse\n");
  CHECK(data::loadInput(entry("b", ElemType::Bool, 1, 2), p, 16) == s64({1, 0}));
}

TEST_CASE("CSV: values across the reader's 1 MiB chunks, with and without a final newline") {
  // ~1.9 MB: fields and lines straddle the chunk boundary somewhere.
  std::string text;
  std::vector<uint64_t> want;
  for (int i = 0; i < 150000; ++i) {
    const int64_t v = int64_t(i) * 7919 - 500000000;
    text += std::to_string(v) + (i % 3 == 2 ? "\n" : ",");
    want.push_back(uint64_t(v));
  }
  CHECK(data::loadInput(entry("m", ElemType::Int, 2, 50000, 3), file("big.csv", text), 16) == want);
  text.pop_back(); // no final newline
  CHECK(data::loadInput(entry("m", ElemType::Int, 2, 50000, 3), file("big2.csv", text), 16) ==
        want);
  std::string col;
  for (int i = 0; i < 300000; ++i)
    col += std::to_string(i % 1000) + ".25\n";
  auto v = data::loadInput(entry("v", ElemType::Fix, 1, 300000), file("col.csv", col), 16);
  REQUIRE(v.size() == 300000);
  CHECK(v[299999] == uint64_t((999 * 4 + 1) << 14));
}

TEST_CASE("open shapes: the data says its size (for parameter inference)") {
  auto read = [](const std::string &path, uint8_t ndims, bool keep = true) {
    data::InputSpec s;
    s.name = "a";
    s.elem = ElemType::Int;
    s.ndims = ndims;
    s.keepValues = keep;
    return data::readInput(s, path);
  };
  auto d = read(file("o1.csv", "4\n5\n6\n"), 1);
  CHECK(d.dims == data::Dims{3});
  CHECK(d.values == s64({4, 5, 6}));
  CHECK(read(file("o2.csv", "4\n5\n6\n"), 1, false).values.empty());
  CHECK(read(file("o3.csv", ""), 1).dims == data::Dims{0});
  CHECK(read(file("o4.csv", ""), 2).dims == data::Dims{0, 0});
  CHECK(read(file("o5.json", "[[1,2],[3,4],[5,6]]"), 2).dims == data::Dims{3, 2});
  std::string p = file("o6.csv", "1,2\n3,4,5\n");
  CHECK_THROWS_WITH_AS(read(p, 2),
                       (p + ":2: input 'a': row 2 has more than 2 values, the length of row 1 "
                            "(every row has as many values)")
                           .c_str(),
                       data::DataError);
  p = file("o7.csv", "1,2\n3\n");
  CHECK_THROWS_WITH_AS(
      read(p, 2),
      (p + ":2: input 'a': row 2 has 1 value, expected 2 like row 1 (every row has as many values)")
          .c_str(),
      data::DataError);
  p = file("o8.json", "[[1,2],[3]]");
  CHECK_THROWS_WITH_AS(read(p, 2), (p + ": input 'a': row 2 has 1 value, expected 2").c_str(),
                       data::DataError);
  // A file of the wrong kind for an open shape is refused naming the kind
  // (found by fuzz_inputs: the message used to read the missing sizes).
  p = file("o9.json", "[5.5, 1]");
  CHECK_THROWS_WITH_AS(read(p, 2),
                       (p + ": input 'a': expected a matrix but the file has a flat array").c_str(),
                       data::DataError);
  p = file("o10.json", "7");
  CHECK_THROWS_WITH_AS(
      read(p, 1), (p + ": input 'a': expected a vector but the file has a single value").c_str(),
      data::DataError);
  // Bytes in memory read the same way (what the fuzz target uses).
  data::InputSpec s;
  s.name = "a";
  s.ndims = 1;
  CHECK(data::readInputBytes(s, "1,2,3", "mem.csv").dims == data::Dims{3});
  CHECK(data::readInputBytes(s, "[1,2]", "mem.json").values == s64({1, 2}));
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
  auto dims = [](const std::string &path, uint8_t ndims) {
    data::InputSpec s;
    s.name = "a";
    s.ndims = ndims;
    return data::readInput(s, path).dims;
  };
  CHECK(dims(file("d1.csv", "1\n2\n3\n"), 1) == data::Dims{3});
  CHECK(dims(file("d2.csv", "1,2,3,4\n"), 1) == data::Dims{4});
  CHECK(dims(file("d3.csv", "1,2\n3,4\n5,6\n"), 2) == data::Dims{3, 2});
  CHECK(dims(file("d4.json", "[[1,2,3]]"), 2) == data::Dims{1, 3});
}

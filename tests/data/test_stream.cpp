//===- test_stream.cpp - smpc share's two-pass reader (scan, then stream) -===//
#include "runtime/data/inputs.h"
#include "runtime/data/stream.h"

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

fs::path dir() {
  static TmpDir d{[] {
    fs::path p = fs::temp_directory_path() / ("smpc_stream_test_" + std::to_string(getpid()));
    fs::create_directories(p);
    return p;
  }()};
  return d.path;
}

std::string file(const std::string &name, const std::string &content) {
  fs::path p = dir() / name;
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

struct Upload {
  data::FileShape shape;
  std::vector<uint64_t> values;
  std::vector<std::size_t> chunks;
};

// What smpc share does: scan, then stream in chunks.
Upload upload(const std::string &path, ElemType t = ElemType::Int,
              const std::string &layout = "auto", std::size_t chunk = 4, uint8_t frac = 0) {
  Upload u;
  u.shape = data::scanDataFile(path, "x", t, frac, layout);
  data::streamDataFile(path, "x", t, frac, u.shape, chunk, [&](std::span<const uint64_t> v) {
    u.values.insert(u.values.end(), v.begin(), v.end());
    u.chunks.push_back(v.size());
  });
  return u;
}

std::string scanError(const std::string &path, const std::string &layout = "auto",
                      ElemType t = ElemType::Fix) {
  try {
    data::scanDataFile(path, "x", t, 16, layout);
  } catch (const data::DataError &e) {
    return e.what();
  }
  return "(no error)";
}

bool sameShape(const data::FileShape &s, uint8_t ndims, uint32_t rows, uint32_t cols) {
  return s.ndims == ndims && s.rows == rows && s.cols == cols;
}

} // namespace

TEST_CASE("share reads a file as smpc run does: spaces, tabs, CR, blank lines, BOM") {
  // A spreadsheet's "8.025, 7.2143" was refused by a second, stricter reader.
  std::string p = file("spaces.csv", "8.025, 7.2143\n1.5 ,\t2\r\n\n3,4\n");
  Upload u = upload(p, ElemType::Fix, "auto", 4, 16);
  CHECK(sameShape(u.shape, 2, 3, 2));
  data::InputSpec spec;
  spec.name = "x";
  spec.elem = ElemType::Fix;
  spec.fracBits = 16;
  spec.ndims = 2;
  CHECK(u.values == data::readInput(spec, p).values);
  p = file("bom.csv", "\xEF\xBB\xBF"
                      " 1, 2, 3\n");
  u = upload(p);
  CHECK(sameShape(u.shape, 1, 3, 1));
  CHECK(u.values == std::vector<uint64_t>{1, 2, 3});
}

TEST_CASE("share's layouts") {
  const std::string col = file("col.csv", "1\n2\n3\n"), row = file("row.csv", "1,2,3");
  const std::string mat = file("mat.csv", "1,2,3\n4,5,6\n"), one = file("one.csv", "7\n");
  CHECK(sameShape(upload(col).shape, 1, 3, 1));
  CHECK(sameShape(upload(row).shape, 1, 3, 1));
  CHECK(sameShape(upload(row, ElemType::Int, "matrix").shape, 2, 1, 3));
  CHECK(sameShape(upload(col, ElemType::Int, "vector").shape, 1, 3, 1));
  Upload m = upload(mat);
  CHECK(sameShape(m.shape, 2, 2, 3));
  CHECK(m.values == std::vector<uint64_t>{1, 2, 3, 4, 5, 6});
  CHECK(m.chunks == std::vector<std::size_t>{4, 2});
  CHECK(sameShape(upload(one).shape, 1, 1, 1));
  CHECK(sameShape(upload(one, ElemType::Int, "scalar").shape, 0, 1, 1));
  CHECK(upload(one, ElemType::Int, "scalar").values == std::vector<uint64_t>{7});
  const std::string j = file("m.json", "[[1, 2], [3, 4]]"), js = file("s.json", "[5]");
  CHECK(sameShape(upload(j).shape, 2, 2, 2));
  CHECK(upload(j).values == std::vector<uint64_t>{1, 2, 3, 4});
  CHECK(sameShape(upload(js, ElemType::Int, "scalar").shape, 0, 1, 1));
  CHECK(upload(js, ElemType::Int, "scalar").values == std::vector<uint64_t>{5});
  CHECK(sameShape(upload(file("s2.json", "6"), ElemType::Int, "vector").shape, 1, 1, 1));
}

TEST_CASE("share's errors name the file, line and field, never the value") {
  std::string p = file("bad.csv", "1.5\n2.5\nnot-a-number\n");
  CHECK(scanError(p) == p + ":3: input 'x': field 1 is not a number");
  p = file("ragged.csv", "1,2\n3\n");
  CHECK(
      scanError(p) ==
      p + ":2: input 'x': row 2 has 1 value, expected 2 like row 1 (every row has as many values)");
  p = file("vec.csv", "1,2\n3,4\n");
  CHECK(scanError(p, "vector") ==
        p + ":2: input 'x': a vector is one value per line or one comma-separated line, but this "
            "file has several lines and several values on a line");
  CHECK(scanError(p, "scalar") ==
        p + ":1: input 'x': expected a single value but the file has more");
  CHECK(scanError(p, "table") == "the layout is auto, scalar, vector or matrix, got 'table'");
  p = file("empty.csv", "\n\n");
  CHECK(scanError(p) == p + ": input 'x': the file has no values");
  p = file("two.json", "[1, 2]");
  CHECK(scanError(p, "scalar") == p + ": input 'x': the file has 2 values, a scalar has one");
  p = file("broken.json", "[1, ");
  CHECK(scanError(p) == p + ": input 'x': the file is not valid JSON");
  CHECK(scanError((dir() / "missing.csv").string()) ==
        (dir() / "missing.csv").string() + ": input 'x': cannot open the file");
  CHECK(scanError(dir().string()) ==
        dir().string() + ": input 'x': is a directory, not a data file");
}

TEST_CASE("a file changed between the scan and the upload is refused") {
  std::string p = file("changing.csv", "1\n2\n3\n");
  data::FileShape s = data::scanDataFile(p, "x", ElemType::Int, 0, "auto");
  file("changing.csv", "1\n2\n3\n4\n");
  auto sink = [](std::span<const uint64_t>) {};
  CHECK_THROWS_WITH_AS(data::streamDataFile(p, "x", ElemType::Int, 0, s, 8, sink),
                       (p + ":4: input 'x': expected a vector of 3 values but the file has more "
                            "(this line holds the 4th)")
                           .c_str(),
                       data::DataError);
  file("changing.csv", "1\n2\n");
  CHECK_THROWS_WITH_AS(
      data::streamDataFile(p, "x", ElemType::Int, 0, s, 8, sink),
      (p + ": input 'x': expected a vector of 3 values but the file has 2 values").c_str(),
      data::DataError);
}

TEST_CASE("share streams a large file in chunks") {
  std::string text;
  for (int i = 0; i < 200000; ++i)
    text += std::to_string(i) + (i % 2 ? "\n" : ", ");
  Upload u = upload(file("big.csv", text), ElemType::Int, "auto", 65536);
  CHECK(sameShape(u.shape, 2, 100000, 2));
  REQUIRE(u.values.size() == 200000);
  CHECK(u.values[199999] == 199999);
  CHECK(u.chunks.size() == 4);
  CHECK(u.chunks.back() == 200000 - 3 * 65536);
}

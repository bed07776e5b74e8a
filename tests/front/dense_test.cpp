//===- dense_test.cpp - long numeric literals parsed without ANTLR ---------===//
//
// A literal of kDenseMinElems or more plain numbers takes the dense path
// (compiler/front/dense_literals.h); a comment inside a literal keeps it on
// the ANTLR path. Both must give the same program and the same diagnostics.
//===----------------------------------------------------------------------===//
#include "compiler/api.h"
#include "compiler/front/dense_literals.h"

#include <doctest/doctest.h>
#include <random>
#include <sstream>

using namespace smpc;

namespace {

struct Compiled {
  bool ok;
  std::string diags;
  std::vector<std::vector<uint64_t>> consts;
};

Compiled compile(const std::string &src) {
  std::ostringstream d;
  auto r = compiler::compile("t.smpc", src, {}, d);
  Compiled c{bool(r), d.str(), {}};
  if (r) c.consts = r->program.consts;
  return c;
}

// The same program with the literal forced onto the ANTLR path: a comment
// after the last element (positions before it are unchanged).
constexpr const char *kSlowMark = " /* slow */";
std::string slow(std::string src) {
  size_t close = src.rfind(']');
  src.insert(close, kSlowMark);
  return src;
}

// Diagnostics of the slow variant with the comment taken out of the quoted
// source lines, to compare with the dense variant's.
std::string unmarked(std::string diags) {
  const std::string mark = kSlowMark;
  for (size_t at; (at = diags.find(mark)) != std::string::npos;)
    diags.erase(at, mark.size());
  return diags;
}

std::string program(const std::string &literal) {
  return "input a: sfix from party 0;\nfn main() {\n  let x = " + literal +
         ";\n  output s = sum(x) + a to all;\n}\n";
}

} // namespace

TEST_CASE("findDenseLiterals: what qualifies") {
  std::string lit = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]";
  CHECK(front::findDenseLiterals("let x = " + lit + ";").size() == 1);
  CHECK(front::findDenseLiterals("let x = [1, 2];").empty()); // short
  CHECK(front::findDenseLiterals("a" + lit).empty());         // an index
  CHECK(front::findDenseLiterals("f(x)" + lit).empty());
  CHECK(front::findDenseLiterals("x: sint" + lit).empty()); // a type
  CHECK(front::findDenseLiterals("= " + lit + "(1)").empty());
  CHECK(front::findDenseLiterals(lit + " = 3").empty());
  CHECK(front::findDenseLiterals(lit + " += 3").size() == 0);
  CHECK(front::findDenseLiterals(lit + " == y").size() == 1);
  CHECK(front::findDenseLiterals(lit + "x").empty());
  CHECK(front::findDenseLiterals("// " + lit).empty());
  CHECK(front::findDenseLiterals("/* " + lit + " */").empty());
  CHECK(front::findDenseLiterals("= [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 1e5]")
            .empty());
  CHECK(front::findDenseLiterals("= [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 1.]")
            .empty());
  CHECK(
      front::findDenseLiterals("= [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, x]").empty());
  CHECK(front::findDenseLiterals("= [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,]")
            .empty());
  // Too large for an integer literal: the parser reports it.
  CHECK(front::findDenseLiterals("= [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, "
                                 "9223372036854775808]")
            .empty());
  auto d = front::findDenseLiterals("=[ -1 ,- 2.5e1,3,4,5,6,7,8,9,10,11,12,13,14,15,\n16 ]");
  REQUIRE(d.size() == 1);
  CHECK(d[0].begin == 1);
  CHECK(d[0].intValue(0) == -1);
  CHECK(d[0].fixValue(1) == -25.0);
  CHECK(d[0].anyFix);
}

TEST_CASE("dense and ANTLR paths give the same constants and diagnostics") {
  const uint32_t seed = 77;
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  for (int round = 0; round < 60; ++round) {
    std::string lit = "[";
    int n = 16 + int(rng() % 40);
    bool fix = rng() % 2;
    for (int i = 0; i < n; ++i) {
      if (i) lit += rng() % 5 ? ", " : ",\n    ";
      if (rng() % 3 == 0) lit += rng() % 2 ? "-" : "- ";
      if (fix && rng() % 2)
        lit += std::to_string(rng() % 100000) + "." + std::to_string(rng() % 1000) +
               (rng() % 4 == 0 ? "e-" + std::to_string(rng() % 9) : "");
      else
        lit += std::to_string(rng() % 1000000);
    }
    lit += "]";
    const std::string src = program(lit);
    INFO(src);
    Compiled dense = compile(src), antlr = compile(slow(src));
    CHECK(dense.ok == antlr.ok);
    CHECK(dense.diags == unmarked(antlr.diags));
    CHECK(dense.consts == antlr.consts);
  }
}

TEST_CASE("dense literals: errors and warnings at the element, as on the ANTLR path") {
  std::string lit = "[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, "
                    "1.0e3, -1.0e20, 0.00001]";
  const std::string src = program(lit);
  Compiled dense = compile(src), antlr = compile(slow(src));
  CHECK(!dense.ok);
  CHECK(dense.diags == unmarked(antlr.diags));
  const size_t col = src.find("1.0e20") - src.find("  let x") + 1;
  CHECK(dense.diags.find("t.smpc:3:" + std::to_string(col) +
                         ": error: fixed-point constant is out of range") != std::string::npos);
  CHECK(dense.diags.find("warning") != std::string::npos);
  // A literal the placeholder cannot stand in for still reads as written.
  Compiled call = compile(program("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16](1)"));
  CHECK(!call.ok);
  CHECK(call.diags.find("smpc_dense") == std::string::npos);
}

TEST_CASE("dense literals as rows of a matrix literal") {
  std::string row1 = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16",
              row2 = "[-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16";
  const std::string dense = "input a: sint from party 0;\nfn main() {\n  let x = [" + row1 + "], " +
                            row2 + "]];\n  output s = x[1, 2] + a to all;\n}\n";
  const std::string antlr = "input a: sint from party 0;\nfn main() {\n  let x = [" + row1 +
                            " /* */], " + row2 + " /* */]];\n  output s = x[1, 2] + a to all;\n}\n";
  CHECK(front::findDenseLiterals(dense).size() == 2);
  CHECK(front::findDenseLiterals(antlr).empty());
  Compiled d = compile(dense), s = compile(antlr);
  REQUIRE(d.ok);
  CHECK(d.diags == s.diags);
  CHECK(d.consts == s.consts);
  // Rows of different lengths: the matrix literal's own message.
  Compiled bad = compile("fn main() {\n  let x = [" + row1 + "], " + row2 + ", 17]];\n}\n");
  CHECK(!bad.ok);
  CHECK(bad.diags.find("error: shape mismatch: the elements of this literal have different "
                       "shapes ([16] and [17])") != std::string::npos);
}

TEST_CASE("a dense literal where no expression may stand is reported as a vector literal") {
  Compiled c = compile("fn main() { let x = 1; }\n[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, "
                       "15, 16]\n");
  CHECK(!c.ok);
  CHECK(c.diags.rfind("t.smpc:2:1: error: unexpected a vector literal (expected", 0) == 0);
}

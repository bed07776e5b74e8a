//===- api_test.cpp - the compiler API seen from a tool --------------------===//
#include "compiler/api.h"
#include "compiler/front/diagnostics.h"
#include "compiler/front/parser.h"

#include <array>
#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace smpc;

namespace {

const char *kProgram = R"(
param n: int;
param k: int = 2;
input a: sfix[n] from party 0;
input m: sint[n, k] from party 2;
input t: int from party 1;
fn main() {
  output s = sum(a) to party 3;
  output c = m[0, :] to all;
}
)";

} // namespace

TEST_CASE("inspectInputs lists inputs with the params of their dimensions") {
  std::ostringstream diags;
  auto sigs = compiler::inspectInputs("p.smpc", kProgram, {}, diags);
  REQUIRE(sigs);
  REQUIRE(sigs->size() == 3);
  CHECK((*sigs)[0].name == "a");
  CHECK((*sigs)[0].elem == "sfix");
  CHECK((*sigs)[0].party == 0);
  CHECK((*sigs)[0].dimParams == std::vector<std::string>{"n"});
  CHECK((*sigs)[1].dimParams == std::vector<std::string>{"n", "k"});
  CHECK((*sigs)[2].elem == "int");
  CHECK((*sigs)[2].dimParams.empty());
  CHECK(diags.str().empty());
}

TEST_CASE("inspectInputs reports syntax errors and returns nothing") {
  std::ostringstream diags;
  auto sigs = compiler::inspectInputs("bad.smpc", "input a: sfix from;", {}, diags);
  CHECK(!sigs);
  CHECK(diags.str().find("bad.smpc:1:19: error: unexpected ';'") != std::string::npos);
}

TEST_CASE("declaredParams lists params in order, even without values") {
  CHECK(compiler::declaredParams("p.smpc", kProgram) == std::vector<std::string>{"n", "k"});
  CHECK(compiler::declaredParams("bad.smpc", "param").empty());
}

TEST_CASE("check binds -D values and reports a missing one") {
  compiler::Options opts;
  std::ostringstream diags;
  CHECK(!compiler::check("p.smpc", kProgram, opts, diags));
  CHECK(diags.str().find("p.smpc:2:7: error: param 'n' has no value; pass it with -D n=<value>") !=
        std::string::npos);
  opts.defines["n"] = 5;
  std::ostringstream ok;
  CHECK(compiler::check("p.smpc", kProgram, opts, ok));
  CHECK(ok.str().empty());
}

TEST_CASE("diagnostics show the source line and a caret") {
  std::ostringstream diags;
  CHECK(!compiler::check("e.smpc", "fn main() {\n  let x = nope;\n}\n", {}, diags));
  CHECK(diags.str() ==
        "e.smpc:2:11: error: unknown name 'nope'; declare it with let or var before this use, "
        "or check the spelling\n"
        "  let x = nope;\n"
        "          ^\n");
}

TEST_CASE("the lowered IR can be dumped after lowering") {
  compiler::Options opts;
  opts.defines["n"] = 3;
  opts.dumpIrAfter = {"lower"};
  std::ostringstream diags, dump;
  opts.dumpStream = &dump;
  CHECK(compiler::check("p.smpc", kProgram, opts, diags));
  CHECK(dump.str().find("func @main()") != std::string::npos);
  CHECK(dump.str().find("input #1 : sint[3, 2]") != std::string::npos);
}

TEST_CASE("compile fills the I/O table and the party count") {
  compiler::Options opts;
  opts.defines["n"] = 4;
  std::ostringstream diags;
  auto r = compiler::compile("p.smpc", kProgram, opts, diags);
  REQUIRE_MESSAGE(r, diags.str());
  const bc::Program &p = r->program;
  REQUIRE(p.inputs.size() == 3);
  CHECK(p.inputs[0].name == "a");
  CHECK(p.inputs[0].elem == bc::ElemType::Fix);
  CHECK(p.inputs[0].rows == 4);
  CHECK(p.inputs[1].party == 2);
  CHECK(p.inputs[1].ndims == 2);
  CHECK(p.inputs[1].cols == 2);
  CHECK(!p.inputs[2].secret);
  REQUIRE(p.outputs.size() == 2);
  CHECK(p.outputs[0].recipients == std::vector<uint32_t>{3});
  CHECK(p.outputs[1].recipients.empty());
  CHECK(p.outputs[1].ndims == 1);
  CHECK(p.minParties == 4);
  CHECK(p.fracBits == 16);
}

TEST_CASE("cost reports rounds and material") {
  compiler::Options opts;
  opts.defines["n"] = 4;
  std::ostringstream diags;
  auto c = compiler::cost("p.smpc", kProgram, opts, 4, diags);
  REQUIRE_MESSAGE(c, diags.str());
  CHECK(c->parties == 4);
  CHECK(c->rounds >= 1);
  CHECK(!c->text.empty());
}

TEST_CASE("imports are searched in importPaths, then the stdlib") {
  std::ostringstream diags;
  compiler::Options opts;
  opts.importPaths = {"/nonexistent-dir"};
  const char *src = "import stats;\ninput x: sfix[4] from party 0;\n"
                    "fn main() { output m = mean(x) to all; }\n";
  CHECK_MESSAGE(compiler::check("i.smpc", src, opts, diags), diags.str());
  CHECK(compiler::defaultStdlibDir().size() > 0);
}

TEST_CASE("a user error in an imported module points into that module") {
  std::ostringstream diags;
  const char *src = "import math;\nfn main() { let y = sqrt(1, 2); }\n";
  CHECK(!compiler::check("i.smpc", src, {}, diags));
  CHECK(diags.str().find("i.smpc:2:21: error: 'sqrt' takes 1 argument but 2 were given") !=
        std::string::npos);
}

// Imported files are parsed once per process (compiler/sema/modules.cpp);
// a compilation must report the same as with a fresh parse, and an edited
// file must be parsed again.
TEST_CASE("an imported module is reused while its text is unchanged, and reparsed after") {
  std::string dir = (std::filesystem::temp_directory_path() / "smpc-import-XXXXXX").string();
  REQUIRE(mkdtemp(dir.data()) != nullptr);
  auto write = [&](const char *text) { std::ofstream(dir + "/lib.smpc") << text; };
  auto run = [&](const char *src, bool ok) {
    std::ostringstream diags;
    compiler::Options opts;
    opts.importPaths = {dir};
    CHECK(compiler::check("i.smpc", src, opts, diags) == ok);
    return diags.str();
  };
  write("fn twice(x: int) -> int {\n  return 2 * x;\n}\n");
  const char *clash = "import lib;\nfn twice(x: int) -> int { return x; }\n"
                      "fn main() { output y = twice(1) to all; }\n";
  // The error points into the imported file, also when it comes from the cache.
  const std::string first = run(clash, false);
  CHECK(first.find(dir + "/lib.smpc:1:4: error: function 'twice' is already defined") !=
        std::string::npos);
  CHECK(first.find("i.smpc:2:4: note: the first definition is here") != std::string::npos);
  CHECK(run(clash, false) == first);
  // Edited: a syntax error now, reported each time.
  write("fn twice(x: int) -> int {\n  return 2 * x\n}\n");
  const std::string broken = run("import lib;\nfn main() { output y = twice(1) to all; }\n", false);
  CHECK(broken.find(dir + "/lib.smpc:3:1: error: expected ';'") != std::string::npos);
  CHECK(run("import lib;\nfn main() { output y = twice(1) to all; }\n", false) == broken);
  // Fixed and renamed: the new text is what counts.
  write("fn thrice(x: int) -> int {\n  return 3 * x;\n}\n");
  CHECK(run("import lib;\nfn main() { output y = thrice(1) to all; }\n", true).empty());
  std::filesystem::remove_all(dir);
}

TEST_CASE("the parser's shared prediction cache starts over past its bound") {
  const char *good = "input x: sfix[4] from party 0;\nfn main() { output m = sum(x) to all; }\n";
  const char *bad = "input x: sfix[4] from party 0;\nfn main() { output m = sum(x to all; }\n";
  auto run = [](const char *src) {
    std::ostringstream diags;
    compiler::check("d.smpc", src, {}, diags);
    return diags.str();
  };
  const std::string before = run(bad);
  CHECK(!before.empty());
  CHECK(run(good).empty());
  CHECK(front::parserDfaStates() > 0);
  front::setMaxParserDfaStatesForTest(1);
  CHECK(run(good).empty());
  CHECK(front::parserDfaStates() == 0);
  CHECK(run(bad) == before);
  CHECK(front::parserDfaStates() == 0);
  front::setMaxParserDfaStatesForTest(front::kMaxParserDfaStates);
  CHECK(run(bad) == before);
  CHECK(front::parserDfaStates() > 0);
}

TEST_CASE("source positions: line and byte column from cached line starts") {
  std::ostringstream out;
  front::Diagnostics d(out, false);
  const std::string a = "ab\r\ncd\n\nxyz", b = std::string(100000, 'x') + "\ny";
  unsigned ia = d.addFile("a.smpc", a), ib = d.addFile("b.smpc", b);
  auto at = [&](unsigned id, size_t off) {
    bc::SourceLoc l = d.sourceLoc(llvm::SMLoc::getFromPointer(d.bufferStart(id) + off));
    return std::array<uint32_t, 3>{l.file, l.line, l.col};
  };
  CHECK(at(ia, 0) == std::array<uint32_t, 3>{0, 1, 1});
  CHECK(at(ia, 2) == std::array<uint32_t, 3>{0, 1, 3}); // the CR
  CHECK(at(ia, 4) == std::array<uint32_t, 3>{0, 2, 1});
  CHECK(at(ia, 7) == std::array<uint32_t, 3>{0, 3, 1});
  CHECK(at(ia, 10) == std::array<uint32_t, 3>{0, 4, 3});
  CHECK(at(ib, 99999) == std::array<uint32_t, 3>{1, 1, 100000});
  CHECK(at(ib, 100001) == std::array<uint32_t, 3>{1, 2, 1});
  // The same as SourceMgr's own (slow on long lines) answer.
  for (size_t off : {size_t(0), size_t(5), size_t(9)}) {
    auto lc = d.sourceMgr().getLineAndColumn(llvm::SMLoc::getFromPointer(d.bufferStart(ia) + off));
    CHECK(at(ia, off)[1] == lc.first);
    CHECK(at(ia, off)[2] == lc.second);
  }
  CHECK(d.sourceLoc(llvm::SMLoc()).line == 0);
}

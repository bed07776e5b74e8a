//===- diagnostics_test.cpp - the diagnostic registry and its printing ----===//
#include "compiler/front/diagnostics.h"

#include <doctest/doctest.h>
#include <set>
#include <sstream>

using namespace smpc::front;

TEST_CASE("the registry: unique names, argument counts from the formats") {
  std::set<std::string_view> names;
  for (const DiagInfo &d : kDiagInfo)
    CHECK(names.insert(d.name).second);
  CHECK(info(DiagKind::UnknownName).numArgs == 1);
  CHECK(info(DiagKind::ParamWithoutValue).numArgs == 1); // {0} used twice
  CHECK(info(DiagKind::FunctionArgCount).numArgs == 5);
  CHECK(!validDiagFormat("a {1} without {0"));
  CHECK(!validDiagFormat("skips {1}"));
  CHECK(validDiagFormat("{1} then {0} then {1}"));
}

TEST_CASE("emit formats the arguments and prints in source order") {
  std::ostringstream out;
  {
    Diagnostics d(out, false);
    unsigned id = d.addFile("p.smpc", "let a = b;\nlet c = d;\n");
    const char *buf = d.bufferStart(id);
    d.emit(llvm::SMLoc::getFromPointer(buf + 19), diag::UnknownName, "d");
    d.emit(llvm::SMLoc::getFromPointer(buf + 8), diag::ParamWithoutValue, std::string("n"));
    d.emit(llvm::SMLoc::getFromPointer(buf + 4), diag::EarlierDeclarationHere);
    d.emit({}, diag::UnusedDefine, "k");
    CHECK(d.errorCount() == 2); // warnings and notes are not errors
  }
  CHECK(out.str() == "smpcc: warning: -D k does not name a param of this program; it is ignored\n"
                     "p.smpc:1:9: error: param 'n' has no value; pass it with -D n=<value> or "
                     "give it a default\n"
                     "let a = b;\n"
                     "        ^\n"
                     "p.smpc:1:5: note: the earlier declaration is here\n"
                     "let a = b;\n"
                     "    ^\n"
                     "p.smpc:2:9: error: unknown name 'd'; declare it with let or var before "
                     "this use, or check the spelling\n"
                     "let c = d;\n"
                     "        ^\n");
}

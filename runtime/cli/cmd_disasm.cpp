//===- cmd_disasm.cpp - `smpc disasm PROG [-D name=value]...` -------------===//
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"
#include "vm/bytecode/serialize.h"

#include <iostream>

namespace smpc::cli {

int cmdDisasm(const std::vector<std::string> &args) {
  LoadOptions lo;
  std::string path;
  OptionTable t = commandOptions("disasm", "PROG.smpcb|PROG.smpc [options]");
  t.operand("PROG", "a program", "the program: .smpcb bytecode or a .smpc source", path);
  addSourceOptions(t, lo.source);
  addInputOption(t, lo.inputFiles, "a data file whose shape sizes parameters (.smpc only)");
  if (auto rc = t.parse(args)) return *rc;
  auto prog = loadProgram(path, lo);
  if (!prog) return kExitFail;
  std::cout << bc::disassemble(*prog);
  return kExitOk;
}

} // namespace smpc::cli

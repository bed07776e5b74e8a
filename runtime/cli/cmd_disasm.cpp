//===- cmd_disasm.cpp - `smpc disasm PROG [-D name=value]...` -------------===//
#include "runtime/cli/commands.h"
#include "runtime/data/inputs.h"
#include "vm/bytecode/serialize.h"

#include <iostream>

namespace smpc::cli {

int cmdDisasm(const std::vector<std::string> &args) {
  LoadOptions lo;
  std::string path;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout
          << "usage: smpc disasm PROG.smpcb|PROG.smpc [-D name=value]... [-O0]\n"
             "       [--input NAME=FILE]...  (sizes parameters from data files, .smpc only)\n";
      return kExitOk;
    }
    if (a == "-D" || (a.rfind("-D", 0) == 0 && a.size() > 2)) {
      std::string d = a.size() > 2 ? a.substr(2) : (i + 1 < args.size() ? args[++i] : "");
      if (!parseDefine(d, lo.defines)) return kExitUsage;
    } else if (a == "--input") {
      if (i + 1 >= args.size()) {
        printError("--input needs a value");
        return kExitUsage;
      }
      try {
        lo.inputFiles.insert(data::parseInputArg(args[++i]));
      } catch (const data::DataError &e) {
        printError(e.what());
        return kExitUsage;
      }
    } else if (a == "-O0" || a == "-O2") {
      lo.optLevel = a == "-O0" ? 0 : 2;
    } else if (!a.empty() && a[0] == '-') {
      printError("unknown option '" + a + "' for `smpc disasm`");
      return kExitUsage;
    } else if (path.empty()) {
      path = a;
    } else {
      printError("`smpc disasm` takes one program");
      return kExitUsage;
    }
  }
  if (path.empty()) {
    printError("`smpc disasm` needs a program: smpc disasm PROG.smpcb");
    return kExitUsage;
  }
  auto prog = loadProgram(path, lo);
  if (!prog) return kExitFail;
  std::cout << bc::disassemble(*prog);
  return kExitOk;
}

} // namespace smpc::cli

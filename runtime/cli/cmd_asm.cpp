//===- cmd_asm.cpp - `smpc asm IN.s [-o OUT.smpcb]` -------------------------===//
//
// Assembles the text format `smpc disasm` prints (docs/bytecode.md), so a
// listing can be edited and run, and VM tests can be written by hand.
//===----------------------------------------------------------------------===//
#include "runtime/cli/commands.h"
#include "vm/bytecode/assemble.h"
#include "vm/bytecode/serialize.h"

#include <fstream>
#include <iostream>
#include <sstream>

namespace smpc::cli {

int cmdAsm(const std::vector<std::string> &args) {
  std::string in, out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout << "usage: smpc asm PROG.s [-o PROG.smpcb]\n";
      return kExitOk;
    } else if (a == "-o") {
      if (i + 1 >= args.size()) {
        printError("-o needs a value");
        return kExitUsage;
      }
      out = args[++i];
    } else if (!a.empty() && a[0] == '-') {
      printError("unknown option '" + a + "' for `smpc asm`");
      return kExitUsage;
    } else if (in.empty()) {
      in = a;
    } else {
      printError("`smpc asm` takes one source file");
      return kExitUsage;
    }
  }
  if (in.empty()) {
    printError("`smpc asm` needs a source: smpc asm PROG.s -o PROG.smpcb");
    return kExitUsage;
  }
  if (out.empty())
    out = in.substr(0, in.rfind('.') == std::string::npos ? in.size() : in.rfind('.')) + ".smpcb";
  std::ifstream f(in);
  if (!f) {
    printError("cannot read '" + in + "'");
    return kExitFail;
  }
  std::stringstream text;
  text << f.rdbuf();
  bc::Program prog;
  std::string err;
  if (!bc::assemble(text.str(), prog, err)) {
    printError(in + ": " + err);
    return kExitFail;
  }
  auto bytes = bc::writeProgram(prog);
  std::ofstream o(out, std::ios::binary);
  o.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
  if (!o) {
    printError("cannot write '" + out + "'");
    return kExitFail;
  }
  return kExitOk;
}

} // namespace smpc::cli

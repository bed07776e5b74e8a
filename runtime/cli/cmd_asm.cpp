//===- cmd_asm.cpp - `smpc asm IN.s [-o OUT.smpcb]` -------------------------===//
//
// Assembles the text format `smpc disasm` prints (docs/bytecode.md), so a
// listing can be edited and run, and VM tests can be written by hand.
//===----------------------------------------------------------------------===//
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"
#include "vm/bytecode/assemble.h"
#include "vm/bytecode/serialize.h"

#include <fstream>

namespace smpc::cli {

int cmdAsm(const std::vector<std::string> &args) {
  std::string in, out;
  OptionTable t = commandOptions("asm", "PROG.s [-o PROG.smpcb]");
  t.operand("PROG.s", "a source", "assembly text as `smpc disasm` prints it", in);
  t.text("output,o", "FILE", "the bytecode file to write (default: PROG.smpcb)", out);
  if (auto rc = t.parse(args)) return *rc;
  if (out.empty())
    out = in.substr(0, in.rfind('.') == std::string::npos ? in.size() : in.rfind('.')) + ".smpcb";
  std::string text, why;
  if (!readSmallFile(in, text, why)) {
    printError("cannot read '" + in + "': it " + why);
    return kExitFail;
  }
  bc::Program prog;
  std::string err;
  if (!bc::assemble(text, prog, err)) {
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

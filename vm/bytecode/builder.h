//===- builder.h - building Programs by hand (tests, benchmarks, tools) ---===//
//
// Allocates registers, constants and table entries and appends instructions
// through appendInstr (emitter.h), which checks the operand count against
// opcodes.def. The result still has to pass verifyProgram; the builder does
// not second-guess indices or lengths (tests build invalid programs on
// purpose).
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/emitter.h"
#include "vm/bytecode/program.h"

#include <initializer_list>
#include <string>

namespace smpc::bc {

class ProgramBuilder {
public:
  ProgramBuilder() { prog.files.push_back("test.smpc"); }

  int64_t sreg(uint32_t len = 1) {
    prog.sregLen.push_back(len);
    return int64_t(prog.sregLen.size() - 1);
  }
  int64_t preg(uint32_t len = 1) {
    prog.pregLen.push_back(len);
    return int64_t(prog.pregLen.size() - 1);
  }
  int64_t constant(std::vector<uint64_t> values) {
    prog.consts.push_back(std::move(values));
    return int64_t(prog.consts.size() - 1);
  }
  /// A public register loaded with `values` (emits ldc).
  int64_t pconst(std::vector<uint64_t> values) {
    int64_t r = preg(uint32_t(values.size()));
    emit(Op::LdConst, {r, constant(std::move(values))});
    return r;
  }
  int64_t input(const std::string &name, ElemType t, uint32_t party, uint32_t rows = 1,
                uint32_t cols = 1, uint8_t ndims = 255) {
    IoEntry e;
    e.name = name;
    e.elem = t;
    e.party = party;
    e.rows = rows;
    e.cols = cols;
    e.ndims = ndims != 255 ? ndims : cols > 1 ? 2 : rows > 1 ? 1 : 0;
    prog.inputs.push_back(e);
    grow(party);
    return int64_t(prog.inputs.size() - 1);
  }
  int64_t output(const std::string &name, ElemType t, uint32_t rows = 1, uint32_t cols = 1,
                 std::vector<uint32_t> recipients = {}, bool secret = true, uint8_t ndims = 255) {
    IoEntry e;
    e.name = name;
    e.elem = t;
    e.secret = secret;
    e.rows = rows;
    e.cols = cols;
    e.ndims = ndims != 255 ? ndims : cols > 1 ? 2 : rows > 1 ? 1 : 0;
    e.recipients = recipients;
    for (uint32_t r : recipients)
      grow(r);
    prog.outputs.push_back(e);
    return int64_t(prog.outputs.size() - 1);
  }
  /// Appends one instruction; `line` (if nonzero) goes to the source map.
  size_t emit(Op op, std::initializer_list<int64_t> operands, uint32_t line = 0, uint32_t col = 0) {
    return appendInstr(prog, op, std::span(operands.begin(), operands.size()),
                       SourceLoc{0, line, col});
  }
  size_t here() const { return prog.code.size(); }
  Program prog;

private:
  void grow(uint32_t party) {
    if (party + 1 > prog.minParties) prog.minParties = party + 1;
  }
};

} // namespace smpc::bc

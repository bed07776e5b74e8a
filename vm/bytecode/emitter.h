//===- emitter.h - appending instructions, checked against opcodes.def ----===//
//
// Every instruction a tool writes goes through appendInstr, which refuses an
// operand count that differs from opcodes.def. The compiler's back end uses
// the stricter Emitter: every operand must also name something that exists
// (register, table entry, constant) and fit its encoding, so a back-end bug
// is caught where the instruction is made, not by the verifier later.
// Violations are bugs in the caller: they throw std::logic_error.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/program.h"

#include <initializer_list>
#include <span>

namespace smpc::bc {

/// Appends `op` with `operands` (opcodes.def order) and its source position;
/// returns the new instruction's index. Checks the operand count only, so
/// tests can still build programs the verifier must refuse.
size_t appendInstr(Program &prog, Op op, std::span<const int64_t> operands, SourceLoc loc);

/// The back end's emitter: appendInstr plus range checks of every operand
/// against the program as built so far (registers, tables and constants
/// must exist before an instruction names them).
class Emitter {
public:
  explicit Emitter(Program &prog) : prog_(prog) {}

  size_t emit(Op op, std::initializer_list<int64_t> operands, SourceLoc loc);
  size_t emit(const Instr &in, SourceLoc loc);
  /// Points jump-target operand `slot` of instruction `at` at `target`
  /// (forward jumps are emitted with target 0, then patched).
  void patchTarget(size_t at, unsigned slot, size_t target);
  /// Index of the next instruction.
  size_t here() const { return prog_.code.size(); }

private:
  void check(const Instr &in) const;
  Program &prog_;
};

} // namespace smpc::bc

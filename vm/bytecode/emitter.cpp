//===- emitter.cpp - appending instructions, checked against opcodes.def --===//
#include "vm/bytecode/emitter.h"

#include "vm/bytecode/limits.h"

#include <stdexcept>
#include <string>

namespace smpc::bc {

namespace {

[[noreturn]] void bug(Op op, const std::string &msg) {
  throw std::logic_error("emitting " + std::string(info(op).mnemonic) + ": " + msg);
}

} // namespace

size_t appendInstr(Program &prog, Op op, std::span<const int64_t> operands, SourceLoc loc) {
  if (operands.size() != numOperands(op))
    bug(op, "takes " + std::to_string(numOperands(op)) + " operands, got " +
                std::to_string(operands.size()));
  Instr in;
  in.op = op;
  for (size_t k = 0; k < operands.size(); ++k)
    in.a[k] = operands[k];
  prog.code.push_back(in);
  prog.srcmap.push_back(loc);
  return prog.code.size() - 1;
}

size_t Emitter::emit(Op op, std::initializer_list<int64_t> operands, SourceLoc loc) {
  size_t at = appendInstr(prog_, op, std::span(operands.begin(), operands.size()), loc);
  try {
    check(prog_.code[at]);
  } catch (...) {
    prog_.code.pop_back();
    prog_.srcmap.pop_back();
    throw;
  }
  return at;
}

size_t Emitter::emit(const Instr &in, SourceLoc loc) {
  for (unsigned k = numOperands(in.op); k < kMaxOperands; ++k)
    if (in.a[k] != 0) bug(in.op, "unused operand " + std::to_string(k + 1) + " is not 0");
  check(in);
  prog_.code.push_back(in);
  prog_.srcmap.push_back(loc);
  return prog_.code.size() - 1;
}

void Emitter::patchTarget(size_t at, unsigned slot, size_t target) {
  Instr &in = prog_.code.at(at);
  if (slot >= numOperands(in.op) || operandKind(in.op, slot) != Operand::Tgt)
    bug(in.op, "operand " + std::to_string(slot + 1) + " is not a jump target");
  if (target > kMaxInstructions) bug(in.op, "jump target " + std::to_string(target));
  in.a[slot] = int64_t(target);
}

void Emitter::check(const Instr &in) const {
  for (unsigned k = 0; k < numOperands(in.op); ++k) {
    const Operand kind = operandKind(in.op, k);
    const int64_t v = in.a[k];
    size_t limit = 0; // operand must be below this
    switch (kind) {
    case Operand::SW:
    case Operand::SR:
    case Operand::SU:
      limit = prog_.sregLen.size();
      break;
    case Operand::PW:
    case Operand::PR:
    case Operand::PU:
      limit = prog_.pregLen.size();
      break;
    case Operand::In:
      limit = prog_.inputs.size();
      break;
    case Operand::Out:
      limit = prog_.outputs.size();
      break;
    case Operand::Cst:
      limit = prog_.consts.size();
      break;
    case Operand::Tgt:
      limit = kMaxInstructions + 1;
      break;
    case Operand::Imm:
      continue; // any i64 is encodable; the verifier checks its meaning
    }
    if (v < 0 || uint64_t(v) >= limit)
      bug(in.op, "operand " + std::to_string(k + 1) + " (" + std::string(info(kind).what) +
                     ") is " + std::to_string(v) + ", outside 0.." +
                     std::to_string(int64_t(limit) - 1));
  }
}

} // namespace smpc::bc

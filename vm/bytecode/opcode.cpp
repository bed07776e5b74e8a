//===- opcode.cpp - opcode lookup by mnemonic, operand letters -------------===//
#include "vm/bytecode/opcode.h"

namespace smpc::bc {

std::optional<Op> opFromMnemonic(std::string_view mnemonic) {
  for (unsigned i = 0; i < kNumOps; ++i)
    if (kOpInfo[i].mnemonic == mnemonic) return static_cast<Op>(i);
  return std::nullopt;
}

std::string operandCodes(Op op) {
  std::string s;
  for (Operand k : info(op).operands)
    s += info(k).code;
  return s;
}

} // namespace smpc::bc

//===- opcode.h - opcode enum and static operand/length tables -----------===//
//
// Everything here is generated from opcodes.def; add an instruction there.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace smpc::bc {

enum class Op : uint16_t {
#define SMPC_OP(Id, Mn, Ops, Len, Flags, Syn) Id,
#include "vm/bytecode/opcodes.def"
};

inline constexpr unsigned kNumOps = 0
#define SMPC_OP(Id, Mn, Ops, Len, Flags, Syn) +1
#include "vm/bytecode/opcodes.def"
    ;

/// Largest operand count of any instruction.
inline constexpr unsigned kMaxOperands = 6;

/// How the vector lengths of an instruction's register operands relate.
enum class LenRule : uint8_t {
  None,        // no register operands
  Const,       // len(A) == len(const[B])
  Elementwise, // every read operand has len(A) or 1 (broadcast); A is written
  Slice,       // A[r*D+c] := B[C + r*E + c*F]; len(A) % D == 0; all reads in bounds
  SliceDyn,    // same with a run-time offset p[C] (length 1); checked at run time
  Store,       // A[C + r*E + c*F] := B[r*D+c]; len(B) % D == 0; writes in bounds
  StoreDyn,    // same with run-time offset p[C]
  Reduce,      // len(B) % len(A) == 0
  MatMul,      // len(B) == D*E, len(C) == E*F, len(A) == D*F
  Input,       // len(A) == element count of input B
  Output,      // len(A) == element count of output B
  Cond,        // len(A) == 1
};

enum class OpFlags : uint8_t { Local = 0, Interactive = 1, Jump = 2 };

struct OpInfo {
  std::string_view mnemonic;
  std::string_view operands; // one code per operand, see opcodes.def
  LenRule len;
  OpFlags flags;
  std::string_view synopsis;
};

inline constexpr OpInfo kOpInfo[] = {
#define SMPC_OP(Id, Mn, Ops, Len, Flags, Syn) OpInfo{Mn, Ops, LenRule::Len, OpFlags::Flags, Syn},
#include "vm/bytecode/opcodes.def"
};

constexpr const OpInfo &info(Op op) {
  return kOpInfo[static_cast<unsigned>(op)];
}
constexpr bool isInteractive(Op op) {
  return info(op).flags == OpFlags::Interactive;
}
constexpr bool isJump(Op op) {
  return info(op).flags == OpFlags::Jump;
}
constexpr unsigned numOperands(Op op) {
  return static_cast<unsigned>(info(op).operands.size());
}

/// Looks up an opcode by mnemonic (for the assembler and tests).
std::optional<Op> opFromMnemonic(std::string_view mnemonic);

} // namespace smpc::bc

//===- opcode.h - opcode enum, operand kinds and properties ---------------===//
//
// Everything here is generated from opcodes.def; add an instruction there.
// Code that needs a fact about an opcode (its operands, whether it may trap,
// whether it commutes) asks these tables instead of keeping its own list.
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace smpc::bc {

enum class Op : uint16_t {
#define SMPC_OP(Id, Mn, Ops, Len, Kind, Props, Syn) Id,
#include "vm/bytecode/opcodes.def"
};

inline constexpr unsigned kNumOps = 0
#define SMPC_OP(Id, Mn, Ops, Len, Kind, Props, Syn) +1
#include "vm/bytecode/opcodes.def"
    ;

/// Largest operand count of any instruction.
inline constexpr unsigned kMaxOperands = 6;

// ---- operand kinds ----------------------------------------------------------

/// Which register bank an operand names; None for immediates and indices.
enum class Bank : uint8_t { None, Secret, Public };
/// How an instruction uses a register operand.
enum class Access : uint8_t { None, Read, Write, Update };

// Id, letter used in listings and docs, bank, access, assembler prefix
// (`s3`, `@12`, `in0`, ...), what the assembler expects.
#define SMPC_OPERAND_KINDS(X)                                                                      \
  X(SW, 'S', Secret, Write, "s", "a secret register")                                              \
  X(SR, 's', Secret, Read, "s", "a secret register")                                               \
  X(SU, 'U', Secret, Update, "s", "a secret register")                                             \
  X(PW, 'P', Public, Write, "p", "a public register")                                              \
  X(PR, 'p', Public, Read, "p", "a public register")                                               \
  X(PU, 'V', Public, Update, "p", "a public register")                                             \
  X(Imm, 'i', None, None, "", "an immediate")                                                      \
  X(Tgt, 'j', None, None, "@", "a jump target")                                                    \
  X(In, 'n', None, None, "in", "an input")                                                         \
  X(Out, 'o', None, None, "out", "an output")                                                      \
  X(Cst, 'c', None, None, "c", "a constant")

/// The kind of one operand (the OPS column of opcodes.def).
enum class Operand : uint8_t {
#define SMPC_X(Id, Code, B, Acc, Prefix, What) Id,
  SMPC_OPERAND_KINDS(SMPC_X)
#undef SMPC_X
};

struct OperandInfo {
  char code;
  Bank bank;
  Access access;
  std::string_view prefix;
  std::string_view what;
};

inline constexpr OperandInfo kOperandInfo[] = {
#define SMPC_X(Id, Code, B, Acc, Prefix, What) {Code, Bank::B, Access::Acc, Prefix, What},
    SMPC_OPERAND_KINDS(SMPC_X)
#undef SMPC_X
};

constexpr const OperandInfo &info(Operand k) {
  return kOperandInfo[static_cast<unsigned>(k)];
}
constexpr bool isRegister(Operand k) {
  return info(k).bank != Bank::None;
}
constexpr bool isSecret(Operand k) {
  return info(k).bank == Bank::Secret;
}
/// The instruction reads the register (in-place updates read it too).
constexpr bool isRead(Operand k) {
  return info(k).access == Access::Read || info(k).access == Access::Update;
}
/// The instruction writes the register (in-place updates write it too).
constexpr bool isWritten(Operand k) {
  return info(k).access == Access::Write || info(k).access == Access::Update;
}
constexpr bool isInPlace(Operand k) {
  return info(k).access == Access::Update;
}
/// Bytes of the operand in the file: immediates are i64, the rest u32.
constexpr unsigned encodedBytes(Operand k) {
  return k == Operand::Imm ? 8 : 4;
}

/// The operand kinds of one instruction, in order.
class OperandList {
public:
  constexpr OperandList() = default;
  constexpr OperandList(std::initializer_list<Operand> l) {
    for (Operand k : l)
      kinds_[n_++] = k; // more than kMaxOperands fails to compile
  }
  constexpr size_t size() const { return n_; }
  constexpr Operand operator[](size_t i) const { return kinds_[i]; }
  constexpr const Operand *begin() const { return kinds_.data(); }
  constexpr const Operand *end() const { return kinds_.data() + n_; }

private:
  std::array<Operand, kMaxOperands> kinds_{};
  uint8_t n_ = 0;
};

// ---- per-opcode facts -------------------------------------------------------

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
  Rows,        // len(A) == len(B); C >= 1 divides it (rows of C elements)
  Gather,      // len(A) == len(C) * D; D >= 1 divides len(B); indices checked at run time
  Scatter,     // len(A) == len(B) == len(C) * D; p[C] a permutation, checked at run time
};

/// Local: no communication; Interactive: communication rounds; Jump: control flow.
enum class OpKind : uint8_t { Local, Interactive, Jump };

/// Properties the passes rely on (the PROPS column; see opcodes.def).
enum class OpProp : uint8_t { Commutative = 1, MayTrap = 2, HasEffect = 4, BackEndOnly = 8 };

struct OpInfo {
  std::string_view mnemonic;
  OperandList operands;
  LenRule len;
  OpKind kind;
  uint8_t props; // OpProp bits
  std::string_view synopsis;
};

namespace detail {
using enum Operand;
using enum OpProp;
constexpr uint8_t propBits(std::initializer_list<OpProp> l) {
  uint8_t bits = 0;
  for (OpProp p : l)
    bits |= static_cast<uint8_t>(p);
  return bits;
}
#define OPS(...)                                                                                   \
  OperandList {                                                                                    \
    __VA_ARGS__                                                                                    \
  }
#define PROPS(...) propBits({__VA_ARGS__})
inline constexpr OpInfo kOpInfo[] = {
#define SMPC_OP(Id, Mn, Ops, Len, Kind, Props, Syn)                                                \
  OpInfo{Mn, Ops, LenRule::Len, OpKind::Kind, Props, Syn},
#include "vm/bytecode/opcodes.def"
};
#undef OPS
#undef PROPS
} // namespace detail

using detail::kOpInfo;

constexpr const OpInfo &info(Op op) {
  return kOpInfo[static_cast<unsigned>(op)];
}
constexpr bool has(Op op, OpProp p) {
  return (info(op).props & static_cast<uint8_t>(p)) != 0;
}
constexpr bool isInteractive(Op op) {
  return info(op).kind == OpKind::Interactive;
}
constexpr bool isJump(Op op) {
  return info(op).kind == OpKind::Jump;
}
constexpr bool isCommutative(Op op) {
  return has(op, OpProp::Commutative);
}
constexpr bool mayTrap(Op op) {
  return has(op, OpProp::MayTrap);
}
constexpr bool hasEffect(Op op) {
  return has(op, OpProp::HasEffect);
}
constexpr bool isBackEndOnly(Op op) {
  return has(op, OpProp::BackEndOnly);
}
constexpr unsigned numOperands(Op op) {
  return static_cast<unsigned>(info(op).operands.size());
}
/// The operand's kind; `k` must be below numOperands(op).
constexpr Operand operandKind(Op op, unsigned k) {
  return info(op).operands[k];
}
/// The first operand updated in place (stores), if any.
constexpr bool isStore(Op op) {
  return numOperands(op) > 0 && isInPlace(operandKind(op, 0));
}

/// Operand letters of `op` as listings and docs/bytecode.md show them ("Sss").
std::string operandCodes(Op op);

/// Looks up an opcode by mnemonic (for the assembler and tests).
std::optional<Op> opFromMnemonic(std::string_view mnemonic);

// Two read operands that may be swapped need exactly two of them.
static_assert([] {
  for (unsigned i = 0; i < kNumOps; ++i) {
    if (!isCommutative(Op(i))) continue;
    unsigned reads = 0;
    for (Operand k : kOpInfo[i].operands)
      reads += isRegister(k) && !isWritten(k);
    if (reads != 2) return false;
  }
  return true;
}());

} // namespace smpc::bc

//===- program.h - an smpc program in memory: the compiler/VM contract ----===//
//
// The compiler builds a Program and writes it with writeProgram(); the VM
// reads one with readProgram(), which verifies it completely (verify.h)
// before anything runs. docs/bytecode.md describes the file layout.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/material.h"
#include "vm/bytecode/opcode.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace smpc::bc {

inline constexpr uint32_t kMagic = 0x42504d53; // "SMPB" little-endian
inline constexpr uint16_t kVersion = 2;        // 2: preprocessing needs per kind of material.def

/// Element type of a value as the user declared it. Every element is stored
/// as a 64-bit ring element: Int two's complement, Fix scaled by 2^frac_bits,
/// Bool 0 or 1.
enum class ElemType : uint8_t { Int = 0, Fix = 1, Bool = 2 };

/// One entry of the input or output table.
struct IoEntry {
  std::string name;
  ElemType elem = ElemType::Int;
  bool secret = true;               // outputs: the value was secret before opening
  uint8_t ndims = 0;                // 0 scalar, 1 vector, 2 matrix
  uint32_t rows = 1, cols = 1;      // vector of n: rows = n, cols = 1
  uint32_t party = 0;               // inputs: the owner who provides the data
  std::vector<uint32_t> recipients; // outputs: parties that learn it; empty = all
  uint64_t size() const { return uint64_t(rows) * cols; }
};

/// One instruction. Operands are in the order of the opcode's operand string;
/// unused slots are 0.
struct Instr {
  Op op = Op::Jmp;
  std::array<int64_t, kMaxOperands> a{};
};

/// Source position of an instruction, for run-time errors.
struct SourceLoc {
  uint32_t file = 0; // index into Program::files
  uint32_t line = 0; // 1-based; 0 = unknown
  uint32_t col = 0;
};

/// How far the counts of PreprocNeeds can be trusted.
enum class NeedsPrecision : uint8_t {
  PerIteration = 0, // a loop's trip count is known only at run time: its body is counted once
  Exact = 1,        // exactly what a run consumes
  UpperBound = 2,   // public branch arms differ in cost: the costlier arm is counted
};

/// "per-iteration", "exact", "upper-bound": the word the disassembler writes.
constexpr const char *precisionName(NeedsPrecision p) {
  switch (p) {
  case NeedsPrecision::PerIteration:
    return "per-iteration";
  case NeedsPrecision::Exact:
    return "exact";
  case NeedsPrecision::UpperBound:
    return "upper-bound";
  }
  return "?";
}

/// The precision of a whole made of two parts.
constexpr NeedsPrecision combine(NeedsPrecision a, NeedsPrecision b) {
  if (a == NeedsPrecision::PerIteration || b == NeedsPrecision::PerIteration)
    return NeedsPrecision::PerIteration;
  if (a == NeedsPrecision::UpperBound || b == NeedsPrecision::UpperBound)
    return NeedsPrecision::UpperBound;
  return NeedsPrecision::Exact;
}

/// Preprocessing material a run of the program needs under semi2k, as the
/// compiler's cost model (cost.h, opMaterial) predicts it: one count per
/// kind of material.def, in that kind's unit.
struct PreprocNeeds {
  MaterialCounts material;
  uint64_t rounds = 0; // online communication rounds
  NeedsPrecision precision = NeedsPrecision::Exact;

  bool exact() const { return precision == NeedsPrecision::Exact; }
  /// The counts bound a run's consumption from above (exact or upper bound).
  bool bounded() const { return precision != NeedsPrecision::PerIteration; }
};

struct Program {
  uint16_t version = kVersion;
  uint8_t ringBits = 64;
  uint8_t fracBits = 16;
  uint32_t minParties = 1;       // largest input owner / output recipient + 1
  std::vector<uint32_t> sregLen; // length of each secret register
  std::vector<uint32_t> pregLen; // length of each public register
  std::vector<std::vector<uint64_t>> consts;
  std::vector<IoEntry> inputs;
  std::vector<IoEntry> outputs;
  std::vector<Instr> code;
  PreprocNeeds needs;
  std::vector<std::string> files; // source files named by the source map
  std::vector<SourceLoc> srcmap;  // one per instruction (same size as code)
};

} // namespace smpc::bc

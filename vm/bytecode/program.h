//===- program.h - an smpc program in memory: the compiler/VM contract ----===//
//
// The compiler builds a Program and writes it with writeProgram(); the VM
// reads one with readProgram(), which verifies it completely (verify.h)
// before anything runs. docs/bytecode.md describes the file layout.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/opcode.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace smpc::bc {

inline constexpr uint32_t kMagic = 0x42504d53; // "SMPB" little-endian
inline constexpr uint16_t kVersion = 1;

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

/// Preprocessing material a run of the program needs, as predicted by the
/// compiler. Counts are elements (triples, pairs, bits). `exact` is false when
/// a loop's trip count was not known at compile time (then the counts are for
/// one iteration of such loops).
struct PreprocNeeds {
  uint64_t triples = 0;        // arithmetic Beaver triples (mul.ss)
  uint64_t matTripleElems = 0; // elements of matrix triples (matmul.ss: m*k + k*n + m*n)
  uint64_t truncPairs = 0;     // truncation material (trunc.s)
  uint64_t ltz = 0;            // comparison material (ltz.s)
  uint64_t eqz = 0;            // equality material (eqz.s)
  uint64_t rounds = 0;         // online communication rounds
  bool exact = true;
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

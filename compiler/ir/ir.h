//===- ir.h - the circuit IR: SSA over vectors, structured control flow ---===//
//
// The front end lowers the checked AST to this IR; passes transform it; the
// back end allocates registers and emits bytecode. Values are vectors with a
// static length; an instruction is either a bytecode operation (IrOp::Bc,
// same operands as in opcodes.def but on SSA values) or one of a few IR-only
// operations (constants, calls, structured loops and branches).
//
// Control flow is structured, in the style of MLIR's scf dialect: a loop is
// one instruction that owns its body region, and values that change across
// iterations are explicit loop-carried values (block arguments + yield).
// This keeps every region in SSA form without phi nodes, and loops stay loops
// all the way to the bytecode.
//
// Operand conventions for IrOp::Bc:
//   - register operands read (codes s, p, U, V) are `operands`, in order;
//   - immediates (codes i, n, o, c) are `imms`, in order;
//   - the written register (codes S, P, U, V) is `results[0]`;
//   - in-place stores (U, V): operands[0] is the old vector, results[0] is
//     the updated one; the back end reuses the register when operands[0] is
//     dead afterwards (the usual case), else copies first.
//   - bc::Op::LdConst, Jmp, Jz, Jnz and Round never appear in the IR.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/opcode.h"
#include "vm/bytecode/program.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace smpc::ir {

enum class Vis : uint8_t { Public, Secret };

/// Static type of a value: visibility, element type and shape.
struct Type {
  Vis vis = Vis::Public;
  bc::ElemType elem = bc::ElemType::Int;
  uint8_t ndims = 0;           // 0 scalar, 1 vector, 2 matrix
  uint32_t rows = 1, cols = 1; // vector of n: rows = n, cols = 1
  uint32_t len() const { return rows * cols; }
  bool isSecret() const { return vis == Vis::Secret; }
  bool operator==(const Type &) const = default;
};

using ValueId = uint32_t;
inline constexpr ValueId kNoValue = ~0u;

enum class IrOp : uint8_t {
  Bc,        // a bytecode operation, see `op`
  Const,     // results[0] := constData (a public vector)
  Call,      // results := callee(operands...); removed by the inliner
  Return,    // ends a function body: returns operands
  For,       // operands: lo, hi (public Int scalars), init...; regions[0] args:
             // induction variable, carried...; results: carried at exit
  If,        // operands: cond (public Bool scalar); regions[0] then, regions[1]
             // else, each ending in Yield; results: yielded values
  While,     // operands: init...; regions[0] args: carried..., ends in
             // Condition(cond, carried...); regions[1] args: carried..., ends in
             // Yield(next...); results: carried values when cond is false
  Yield,     // ends a For/If/While-after region
  Condition, // ends a While-before region: operands cond, carried...
};

struct Inst;

/// A straight-line sequence of instructions with block arguments.
struct Block {
  std::vector<ValueId> args;
  std::vector<std::unique_ptr<Inst>> insts;
};

struct Inst {
  IrOp kind = IrOp::Bc;
  bc::Op op = bc::Op::MovP; // when kind == Bc
  std::vector<ValueId> operands;
  std::vector<int64_t> imms;
  std::vector<ValueId> results;
  std::vector<Block> regions;
  std::vector<uint64_t> constData; // Const
  uint32_t callee = 0;             // Call: index into Module::functions
  bc::SourceLoc loc;
};

/// Where a value comes from.
struct ValueInfo {
  Type type;
  std::string name; // source-level name when known (for dumps only)
};

struct Function {
  std::string name;
  std::vector<ValueInfo> values; // indexed by ValueId
  Block body;                    // args are the parameters; ends in Return
  std::vector<Type> resultTypes;

  ValueId newValue(Type t, std::string name = {}) {
    values.push_back({t, std::move(name)});
    return static_cast<ValueId>(values.size() - 1);
  }
  const Type &type(ValueId v) const { return values[v].type; }
};

struct Module {
  std::vector<Function> functions;
  uint32_t mainIndex = 0;
  uint8_t fracBits = 16;
  std::vector<bc::IoEntry> inputs;  // indexed by Input's `n` immediate
  std::vector<bc::IoEntry> outputs; // indexed by Output*'s `o` immediate
  std::vector<std::string> files;   // named by SourceLoc::file
};

/// Textual form used by --dump-ir-after and the lit tests.
std::string print(const Module &m);
std::string print(const Module &m, const Function &f);

/// Checks SSA dominance, operand types against opcodes.def, region shapes.
/// Returns an empty string when valid (passes run it in debug/test builds).
std::string verify(const Module &m);

} // namespace smpc::ir

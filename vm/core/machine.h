//===- machine.h - the interpreter: runs a verified Program on a Protocol -===//
#pragma once

#include "vm/bytecode/program.h"
#include "vm/core/protocol.h"

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace smpc::vm {

/// This party's input values, already encoded as ring elements (fixed point
/// scaled by 2^frac_bits), keyed by input name. Only inputs this party owns
/// are present (the `clear` protocol gets all of them).
using InputValues = std::map<std::string, std::vector<uint64_t>>;

/// One output this party received, in ring encoding.
struct OutputValue {
  bc::IoEntry entry;
  std::vector<uint64_t> data;
};

/// A run-time failure of the program (division by zero, index out of
/// bounds, missing input). what() starts with `file:line:col: ` taken from
/// the source map when the program has one. Never contains secret values.
class RuntimeError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Executions per opcode, indexed by bc::Op (the tests' opcode coverage).
using OpCounts = std::array<uint64_t, bc::kNumOps>;

/// Words all registers together may take under a protocol (8 GiB): the
/// verifier bounds elements, a protocol multiplies secret ones by its width.
inline constexpr uint64_t kMaxRegisterWords = uint64_t(1) << 30;

struct RunOptions {
  uint64_t maxSteps = 0;        // 0 = unlimited; else fail after this many instructions
  OpCounts *opCounts = nullptr; // when set, counts every instruction executed
  /// Return every public output at every party, whatever the program's
  /// recipients: the node daemon routes outputs to clients by the job's
  /// approved rules, not by the program (secret outputs go through the
  /// protocol's OutputS, which the node's protocol wrapper keeps as shares).
  bool allOutputs = false;
  /// An operand outside the range where the secure protocols are correct
  /// (Protocol::rangeProblem, checked by `clear`) stops the run with a
  /// RuntimeError; with allowOverflow it is reported to `warn` instead, once
  /// per instruction, and the run goes on.
  bool allowOverflow = false;
  std::function<void(const std::string &)> warn; // `file:line:col: message (instruction N)`
};

/// Runs `prog` (already verified by readProgram/verifyProgram) to the end.
/// Returns the outputs this party is a recipient of, in output-table order.
std::vector<OutputValue> run(const bc::Program &prog, Protocol &proto, const InputValues &inputs,
                             const RunOptions &opts = {});

} // namespace smpc::vm

//===- state.h - interpreter state, private to vm/core --------------------===//
#pragma once

#include "vm/core/machine.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace smpc::vm::detail {

using Reg = std::vector<uint64_t>;

struct State {
  const bc::Program &prog;
  Protocol &proto;
  const InputValues &inputs;
  std::vector<Reg> s, p;                   // secret (planar, w planes) and public banks
  uint32_t w = 1;                          // share width: proto.shareWidth()
  std::vector<std::optional<Reg>> outputs; // per output-table entry, once received
  size_t pc = 0;
  bool allOutputs = false; // RunOptions::allOutputs
  const RunOptions *opts = nullptr;
  std::set<size_t> warnedPcs; // instructions already reported under allowOverflow

  /// Element count of secret register r (its words are w planes of this).
  size_t slen(const Reg &r) const { return w == 1 ? r.size() : r.size() / w; }
};

/// Throws RuntimeError for the instruction at st.pc, prefixed with its
/// source position when the program has a source map.
[[noreturn]] void fail(const State &st, const std::string &msg);

/// `msg` with the position of the instruction at st.pc, as fail() words it.
std::string located(const State &st, const std::string &msg);

/// Runs `count` interactive instructions starting at `first` as one group.
void runInteractive(State &st, size_t first, size_t count);

} // namespace smpc::vm::detail

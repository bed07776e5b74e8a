//===- state.h - interpreter state, private to vm/core --------------------===//
#pragma once

#include "vm/core/machine.h"

#include <optional>
#include <string>
#include <vector>

namespace smpc::vm::detail {

using Reg = std::vector<uint64_t>;

struct State {
  const bc::Program &prog;
  Protocol &proto;
  const InputValues &inputs;
  std::vector<Reg> s, p;                   // secret and public banks
  std::vector<std::optional<Reg>> outputs; // per output-table entry, once received
  size_t pc = 0;
};

/// Throws RuntimeError for the instruction at st.pc, prefixed with its
/// source position when the program has a source map.
[[noreturn]] void fail(const State &st, const std::string &msg);

/// Runs `count` interactive instructions starting at `first` as one group.
void runInteractive(State &st, size_t first, size_t count);

} // namespace smpc::vm::detail

//===- run_helper.h - verify and run a hand-built program on clear --------===//
#pragma once

#include "tests/vm/planar_protocol.h"
#include "vm/bytecode/serialize.h"
#include "vm/core/machine.h"
#include "vm/protocols/clear/clear.h"

#include <doctest/doctest.h>

namespace smpc::testing {

/// Every instruction the VM tests execute, per opcode (test_main.cpp checks
/// that each opcode ran at least once).
inline vm::OpCounts &opsExecuted() {
  static vm::OpCounts counts{};
  return counts;
}

/// Run options that count executed opcodes into opsExecuted().
inline vm::RunOptions countingOptions(uint64_t maxSteps = 0) {
  vm::RunOptions ro;
  ro.maxSteps = maxSteps;
  ro.opCounts = &opsExecuted();
  return ro;
}

/// Verifies (REQUIREs validity), runs on the clear protocol, returns the
/// outputs by name. Also runs it with shares of 2 and 3 words
/// (planar_protocol.h) and checks that the outputs are the same.
inline std::map<std::string, std::vector<uint64_t>> runClear(const bc::Program &p,
                                                             const vm::InputValues &in = {},
                                                             vm::ProtocolStats *stats = nullptr,
                                                             uint64_t maxSteps = 100000) {
  std::string err = bc::verifyProgram(p);
  INFO(err);
  REQUIRE(err.empty());
  vm::ClearProtocol proto(3);
  vm::RunOptions ro = countingOptions(maxSteps);
  std::map<std::string, std::vector<uint64_t>> out;
  for (auto &o : vm::run(p, proto, in, ro))
    out[o.entry.name] = o.data;
  if (stats) *stats = proto.stats();
  for (uint32_t w : {2u, 3u}) {
    PlanarProtocol planar(w);
    std::map<std::string, std::vector<uint64_t>> got;
    for (auto &o : vm::run(p, planar, in, ro))
      got[o.entry.name] = o.data;
    INFO("share width " << w);
    CHECK(got == out);
  }
  return out;
}

inline std::vector<uint64_t> u(std::initializer_list<int64_t> v) {
  std::vector<uint64_t> r;
  for (int64_t x : v)
    r.push_back(uint64_t(x));
  return r;
}

} // namespace smpc::testing

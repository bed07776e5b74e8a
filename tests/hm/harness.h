//===- harness.h - run rep3 or shamir parties as threads ------------------===//
//
// The parties talk over the in-process channel (tests/support, a test double
// for runtime/net); shamir's background thread gets a second network. Test
// data comes from a seeded std::mt19937_64 (never protocol randomness).
//===----------------------------------------------------------------------===//
#pragma once

#include "tests/support/local_channel.h"
#include "vm/bytecode/serialize.h"
#include "vm/core/machine.h"
#include "vm/protocols/clear/clear.h"
#include "vm/protocols/rep3/rep3.h"
#include "vm/protocols/shamir/shamir.h"

#include <doctest/doctest.h>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace smpc::testing {

/// A protocol under test: "rep3" (3 parties) or "shamir" with n parties.
struct ProtoCase {
  std::string name;
  uint32_t parties;
};

inline std::vector<ProtoCase> allCases() {
  return {{"rep3", 3}, {"shamir", 3}, {"shamir", 4}, {"shamir", 5}, {"shamir", 7}};
}

using HmFn = std::function<void(uint32_t party, hm::HmProtocol &proto)>;

/// Small pools: tests draw little material and must not wait for a big
/// first batch.
inline shamir::MaterialConfig smallPools() {
  shamir::MaterialConfig c;
  c.capacity = {1 << 12, 1 << 8, 1 << 12, 16};
  return c;
}

inline void runHm(const ProtoCase &pc, const HmFn &fn) {
  // The background network has one node more, as a mesh with a dealer slot
  // has: shamir must talk to the N parties only.
  LocalNetwork online(pc.parties), background(pc.parties + 1);
  runParallel(pc.parties, [&](uint32_t i) {
    if (pc.name == "rep3") {
      rep3::Rep3 proto(online.channel(i));
      fn(i, proto);
    } else {
      shamir::Shamir proto(online.channel(i), background.channel(i), smallPools());
      fn(i, proto);
    }
  });
}

/// Passes everything through and keeps a copy of what `self` receives.
class RecordingChannel final : public vm::Channel {
public:
  RecordingChannel(vm::Channel &inner, std::vector<uint8_t> &log) : in_(inner), log_(log) {}
  uint32_t self() const override { return in_.self(); }
  uint32_t parties() const override { return in_.parties(); }
  void send(uint32_t to, std::span<const uint8_t> m) override { in_.send(to, m); }
  std::vector<uint8_t> recv(uint32_t from) override {
    auto m = in_.recv(from);
    log_.insert(log_.end(), m.begin(), m.end());
    return m;
  }
  uint64_t bytesSent() const override { return in_.bytesSent(); }
  uint64_t bytesReceived() const override { return in_.bytesReceived(); }

private:
  vm::Channel &in_;
  std::vector<uint8_t> &log_;
};

using Outputs = std::map<std::string, std::vector<uint64_t>>;

/// Runs a program on every party; returns the outputs each party received
/// (per party) and party 0's stats.
inline std::vector<Outputs> runProgram(const ProtoCase &pc, const bc::Program &p,
                                       const vm::InputValues &in,
                                       vm::ProtocolStats *stats = nullptr) {
  REQUIRE(bc::verifyProgram(p) == "");
  std::vector<Outputs> outs(pc.parties);
  runHm(pc, [&](uint32_t i, hm::HmProtocol &proto) {
    vm::InputValues mine;
    for (const auto &e : p.inputs)
      if (e.party == i && in.count(e.name)) mine[e.name] = in.at(e.name);
    for (auto &o : vm::run(p, proto, mine))
      outs[i][o.entry.name] = o.data;
    if (stats && i == 0) *stats = proto.stats();
  });
  return outs;
}

inline Outputs runClearProgram(const bc::Program &p, const vm::InputValues &in) {
  vm::ClearProtocol clear(3);
  Outputs out;
  for (auto &o : vm::run(p, clear, in))
    out[o.entry.name] = o.data;
  return out;
}

} // namespace smpc::testing

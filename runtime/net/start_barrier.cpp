//===- start_barrier.cpp - every party starts the online phase together ---===//
#include "runtime/net/start_barrier.h"

#include <array>
#include <string>

namespace smpc::net {

namespace {
constexpr uint8_t kStart = 0x53; // 'S'
} // namespace

void startTogether(vm::Channel &ch) {
  const uint32_t me = ch.self(), n = ch.parties();
  const std::array<uint8_t, 1> msg{kStart};
  for (uint32_t p = 0; p < n; ++p)
    if (p != me) ch.send(p, msg);
  for (uint32_t p = 0; p < n; ++p) {
    if (p == me) continue;
    const auto got = ch.recv(p);
    if (got.size() != 1 || got[0] != kStart)
      throw vm::NetError("party " + std::to_string(p) + " sent a malformed start message (" +
                         std::to_string(got.size()) +
                         " bytes): it runs another version of smpc or another program");
  }
}

} // namespace smpc::net

//===- pool_command.cpp - fixed 26-byte encoding of pool commands ---------===//
#include "runtime/preproc/pool/pool_command.h"

#include <stdexcept>

namespace smpc::preproc {

namespace {
constexpr std::size_t kBytes = 2 + 8 + 4 * 4;

void put(std::vector<uint8_t> &o, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    o.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
uint64_t get(std::span<const uint8_t> m, std::size_t &at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= uint64_t{m[at++]} << (8 * i);
  return v;
}
} // namespace

std::vector<uint8_t> pool_command_encode(const PoolCommand &c) {
  std::vector<uint8_t> o;
  o.reserve(kBytes);
  put(o, static_cast<uint8_t>(c.op), 1);
  put(o, static_cast<uint8_t>(c.kind), 1);
  put(o, c.count, 8);
  put(o, c.m, 4);
  put(o, c.k, 4);
  put(o, c.n, 4);
  put(o, c.shift, 4);
  return o;
}

PoolCommand pool_command_decode(std::span<const uint8_t> msg) {
  const std::runtime_error bad("malformed pool command");
  if (msg.size() != kBytes) throw bad;
  std::size_t at = 0;
  PoolCommand c;
  const auto op = get(msg, at, 1), kind = get(msg, at, 1);
  if (op < 1 || op > 9 || kind >= kPoolKinds) throw bad;
  c.op = static_cast<PoolOp>(op);
  c.kind = static_cast<PoolKind>(kind);
  c.count = get(msg, at, 8);
  c.m = static_cast<uint32_t>(get(msg, at, 4));
  c.k = static_cast<uint32_t>(get(msg, at, 4));
  c.n = static_cast<uint32_t>(get(msg, at, 4));
  c.shift = static_cast<uint32_t>(get(msg, at, 4));
  if (c.count > kMaxCommandElems || c.shift > 63) throw bad;
  if (uint64_t(c.m) * c.k > kMaxCommandElems || uint64_t(c.k) * c.n > kMaxCommandElems ||
      uint64_t(c.m) * c.n > kMaxCommandElems)
    throw bad;
  return c;
}

} // namespace smpc::preproc

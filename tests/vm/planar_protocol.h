//===- planar_protocol.h - a clear protocol with shares of several words ---===//
//
// Test double for the VM's planar registers: a secret value is held as
// w >= 2 words that add up to it (mod 2^64), split at random (seeded
// std::mt19937_64: test data, not protocol randomness). Interactive ops are
// reconstructed, run on ClearProtocol, and their results split again. Any VM
// operation that mixes planes, misses a plane or broadcasts wrongly gives a
// different result than plain ClearProtocol.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/protocols/clear/clear.h"

#include <random>
#include <vector>

namespace smpc::testing {

class PlanarProtocol final : public vm::Protocol {
public:
  explicit PlanarProtocol(uint32_t w, uint32_t parties = 3, uint64_t seed = 1)
      : w_(w), clear_(parties), rng_(seed) {}

  std::string_view name() const override { return "planar-test"; }
  uint32_t partyId() const override { return 0; }
  uint32_t numParties() const override { return 1; }
  uint32_t shareWidth() const override { return w_; }

  void classify(std::span<const uint64_t> p, std::span<vm::Share> out) override { split(p, out); }
  void addPublic(std::span<const vm::Share> s, std::span<const uint64_t> p,
                 std::span<vm::Share> out) override {
    std::vector<uint64_t> v = join(s);
    for (size_t i = 0; i < v.size(); ++i)
      v[i] += p[i];
    split(v, out);
  }

  void runGroup(std::span<vm::InteractiveOp> ops) override {
    struct Buf {
      std::vector<uint64_t> x, y, out;
    };
    std::vector<Buf> bufs(ops.size());
    std::vector<vm::InteractiveOp> plain(ops.begin(), ops.end());
    for (size_t i = 0; i < ops.size(); ++i) {
      const vm::InteractiveOp &op = ops[i];
      const bool input = op.op == bc::Op::Input;
      const bool opens = op.op == bc::Op::Open || op.op == bc::Op::OutputS;
      bufs[i].x = input ? std::vector<uint64_t>(op.x.begin(), op.x.end()) : join(op.x);
      bufs[i].y = join(op.y);
      bufs[i].out.assign(opens ? op.out.size() : op.out.size() / w_, 0);
      plain[i].x = bufs[i].x;
      plain[i].y = bufs[i].y;
      plain[i].out = bufs[i].out;
    }
    clear_.runGroup(plain);
    for (size_t i = 0; i < ops.size(); ++i) {
      ops[i].receives = plain[i].receives;
      if (ops[i].op == bc::Op::Open || ops[i].op == bc::Op::OutputS)
        std::copy(bufs[i].out.begin(), bufs[i].out.end(), ops[i].out.begin());
      else
        split(bufs[i].out, ops[i].out);
    }
  }
  vm::ProtocolStats stats() const override { return clear_.stats(); }

private:
  std::vector<uint64_t> join(std::span<const vm::Share> s) const {
    const size_t n = s.size() / w_;
    std::vector<uint64_t> v(n, 0);
    for (uint32_t j = 0; j < w_; ++j)
      for (size_t i = 0; i < n; ++i)
        v[i] += s[j * n + i];
    return v;
  }
  void split(std::span<const uint64_t> v, std::span<vm::Share> out) {
    const size_t n = v.size();
    for (size_t i = 0; i < n; ++i) {
      uint64_t rest = v[i];
      for (uint32_t j = 1; j < w_; ++j) {
        out[j * n + i] = rng_();
        rest -= out[j * n + i];
      }
      out[i] = rest;
    }
  }

  uint32_t w_;
  vm::ClearProtocol clear_;
  std::mt19937_64 rng_;
};

} // namespace smpc::testing

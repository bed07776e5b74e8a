//===- stockpile.h - material fetched ahead, to time the online phase -----===//
//
// Wraps a vm::Preprocessing. In Stock mode every call is answered from the
// source as usual and, in addition, one more fresh batch of the same shape is
// fetched and queued; in Replay mode calls are answered from that queue (in
// order, sizes checked). So a benchmark can run once to stock up and once
// more timing only the online phase, without ever reusing material.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/core/preprocessing.h"

#include <deque>
#include <stdexcept>
#include <vector>

namespace smpc::bench {

class Stockpile final : public vm::Preprocessing {
public:
  enum class Mode { Pass, Stock, Replay };
  explicit Stockpile(vm::Preprocessing &src) : src_(src) {}
  Mode mode = Mode::Pass;

  void triples(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c) override {
    handle({a, b, c}, [&](auto &v) { src_.triples(v[0], v[1], v[2]); });
  }
  void matrixTriple(uint32_t m, uint32_t k, uint32_t n, std::span<uint64_t> a,
                    std::span<uint64_t> b, std::span<uint64_t> c) override {
    handle({a, b, c}, [&](auto &v) { src_.matrixTriple(m, k, n, v[0], v[1], v[2]); });
  }
  void boolTriples(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c) override {
    handle({a, b, c}, [&](auto &v) { src_.boolTriples(v[0], v[1], v[2]); });
  }
  void daBits(std::span<uint64_t> arith, std::span<uint64_t> bits) override {
    handle({arith, bits}, [&](auto &v) { src_.daBits(v[0], v[1]); });
  }
  void edaBits(std::span<uint64_t> r, std::span<uint64_t> bits) override {
    handle({r, bits}, [&](auto &v) { src_.edaBits(v[0], v[1]); });
  }
  void truncPairs(uint32_t shift, std::span<uint64_t> r, std::span<uint64_t> msb,
                  std::span<uint64_t> high) override {
    handle({r, msb, high}, [&](auto &v) { src_.truncPairs(shift, v[0], v[1], v[2]); });
  }

  void shuffleTurn(uint32_t permuter, uint32_t rows, uint32_t width, std::span<uint32_t> perm,
                   std::span<uint64_t> mask, std::span<uint64_t> share) override {
    // The permutation travels as 64-bit words like the rest.
    std::vector<uint64_t> p(perm.size());
    handle({p, mask, share}, [&](auto &v) {
      std::vector<uint32_t> q(v[0].size());
      src_.shuffleTurn(permuter, rows, width, q, v[1], v[2]);
      std::copy(q.begin(), q.end(), v[0].begin());
    });
    std::copy(p.begin(), p.end(), perm.begin());
  }

private:
  using Batch = std::vector<std::vector<uint64_t>>;
  using Spans = std::vector<std::span<uint64_t>>;

  template <class Fetch> void handle(Spans out, Fetch fetch) {
    if (mode == Mode::Replay) {
      if (queue_.empty()) throw std::runtime_error("stockpile is empty");
      Batch b = std::move(queue_.front());
      queue_.pop_front();
      if (b.size() != out.size()) throw std::runtime_error("stockpile replay out of order");
      for (size_t i = 0; i < out.size(); ++i) {
        if (b[i].size() != out[i].size()) throw std::runtime_error("stockpile replay out of order");
        std::copy(b[i].begin(), b[i].end(), out[i].begin());
      }
      return;
    }
    fetch(out);
    if (mode == Mode::Stock) {
      Batch b;
      Spans s;
      for (auto &o : out)
        b.emplace_back(o.size());
      for (auto &v : b)
        s.emplace_back(v);
      fetch(s);
      queue_.push_back(std::move(b));
    }
  }

  vm::Preprocessing &src_;
  std::deque<Batch> queue_;
};

} // namespace smpc::bench

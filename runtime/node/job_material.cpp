//===- job_material.cpp - pool lots first, OT on demand after -------------===//
#include "runtime/node/job_material.h"

#include "runtime/preproc/ot/ot_preprocessing.h"

#include <algorithm>
#include <optional>
#include <sodium.h>
#include <stdexcept>

namespace smpc::node {

namespace {

using preproc::kPoolKinds;
using preproc::PoolKind;

void wipe(std::vector<uint64_t> &v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size() * sizeof(uint64_t));
  v.clear();
}

std::size_t words64(std::size_t n) {
  return (n + 63) / 64;
}

// Copies records [from, from+count) of `src` to [at, at+count) of the
// caller's spans (x, y, z as the Preprocessing call takes them), one helper
// per layout.

void copyWords(const Lot &src, std::size_t from, std::size_t count, std::span<uint64_t> x,
               std::span<uint64_t> y, std::span<uint64_t> z, std::size_t at) {
  std::copy_n(src.x.data() + from, count, x.subspan(at).data());
  std::copy_n(src.y.data() + from, count, y.subspan(at).data());
  std::copy_n(src.z.data() + from, count, z.subspan(at).data());
}

void copyDaBits(const Lot &src, std::size_t from, std::size_t count, std::span<uint64_t> x,
                std::span<uint64_t> bits, std::size_t at) {
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t s = from + i, d = at + i;
    x[d] = src.x[s];
    bits[d / 64] |= ((src.y[s / 64] >> (s % 64)) & 1) << (d % 64);
  }
}

/// `total`: the length of the caller's request (its bit-slice stride).
void copyEdaBits(const Lot &src, std::size_t from, std::size_t count, std::span<uint64_t> x,
                 std::span<uint64_t> bits, std::size_t at, std::size_t total) {
  const std::size_t sw = words64(src.n), dw = words64(total);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t s = from + i, d = at + i;
    x[d] = src.x[s];
    for (std::size_t b = 0; b < 64; ++b)
      bits[b * dw + d / 64] |= ((src.y[b * sw + s / 64] >> (s % 64)) & 1) << (d % 64);
  }
}

/// The caller's spans of one request; `total` is its length.
struct Dest {
  std::span<uint64_t> x, y, z;
  std::size_t total;
};

void copyOut(PoolKind kind, const Lot &src, std::size_t from, std::size_t count, const Dest &d,
             std::size_t at) {
  switch (kind) {
  case PoolKind::Triple:
  case PoolKind::BoolTriple:
  case PoolKind::Trunc:
    return copyWords(src, from, count, d.x, d.y, d.z, at);
  case PoolKind::DaBit:
    return copyDaBits(src, from, count, d.x, d.y, at);
  case PoolKind::EdaBit:
    return copyEdaBits(src, from, count, d.x, d.y, at, d.total);
  }
}

/// A job's material: its reserved lots first, then OT on the job's channel.
class Reserved final : public JobMaterial {
public:
  Reserved(Lots lots, vm::Channel &ch, uint32_t parties, uint32_t shift, double waited,
           Stocked stocked)
      : lots_(std::move(lots)), stocked_(std::move(stocked)), ch_(ch), parties_(parties),
        shift_(shift) {
    for (std::size_t k = 0; k < kPoolKinds; ++k)
      stats_.fromPool[k] = lots_[k].n;
    stats_.reserveWaitSeconds = waited;
  }
  MaterialStats stats() const override { return stats_; }

  void triples(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c) override {
    serve(PoolKind::Triple, a, b, c);
  }
  void boolTriples(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c) override {
    serve(PoolKind::BoolTriple, a, b, c);
  }
  void daBits(std::span<uint64_t> arith, std::span<uint64_t> bits) override {
    std::fill(bits.begin(), bits.end(), 0);
    serve(PoolKind::DaBit, arith, bits, {});
  }
  void edaBits(std::span<uint64_t> r, std::span<uint64_t> bits) override {
    std::fill(bits.begin(), bits.end(), 0);
    serve(PoolKind::EdaBit, r, bits, {});
  }
  void truncPairs(uint32_t shift, std::span<uint64_t> r, std::span<uint64_t> msb,
                  std::span<uint64_t> high) override {
    if (shift != shift_) { // the pool's rings hold pairs for the fixed-point shift only
      const preproc::PoolCommand cmd{
          preproc::PoolOp::TruncOnce, PoolKind::Trunc, r.size(), 0, 0, 0, shift};
      if (auto item = stocked(cmd)) return copyItem(*item, r, msb, high);
      return gen().truncPairs(shift, r, msb, high);
    }
    serve(PoolKind::Trunc, r, msb, high);
  }
  void matrixTriple(uint32_t m, uint32_t k, uint32_t n, std::span<uint64_t> a,
                    std::span<uint64_t> b, std::span<uint64_t> c) override {
    // Never in the rings: its shape is the program's.
    const preproc::PoolCommand cmd{preproc::PoolOp::Matrix, PoolKind::Triple, 0, m, k, n, 0};
    if (auto item = stocked(cmd)) return copyItem(*item, a, b, c);
    gen().matrixTriple(m, k, n, a, b, c);
  }
  void shuffleTurn(uint32_t permuter, uint32_t rows, uint32_t width, std::span<uint32_t> perm,
                   std::span<uint64_t> mask, std::span<uint64_t> share) override {
    const preproc::PoolCommand cmd{
        preproc::PoolOp::Shuffle, PoolKind::Triple, 0, rows, 0, width, permuter};
    if (auto item = stocked(cmd)) {
      if (perm.size() != item->a.size())
        throw std::logic_error("shuffleTurn: stocked turn differs");
      std::copy(item->a.begin(), item->a.end(), perm.begin());
      return copyItem(*item, {}, mask, share);
    }
    gen().shuffleTurn(permuter, rows, width, perm, mask, share);
  }

private:
  /// The next stocked item of the request's shape, if any; counts the
  /// request (stats_.shaped) and whether it was made on demand.
  std::optional<preproc::ShapedItem> stocked(const preproc::PoolCommand &cmd) {
    const auto shape = preproc::shapeOf(cmd);
    ++stats_.shaped[shape];
    auto it = stocked_.find(shape);
    if (it == stocked_.end() || it->second.empty()) {
      ++stats_.onDemandCalls;
      return std::nullopt;
    }
    preproc::ShapedItem item = std::move(it->second.front());
    it->second.pop_front();
    ++stats_.fromStock;
    return item;
  }
  /// Copies a stocked item's a, b, c to the caller's spans (an empty span
  /// skips its part); the item is wiped when it goes.
  static void copyItem(const preproc::ShapedItem &item, std::span<uint64_t> a,
                       std::span<uint64_t> b, std::span<uint64_t> c) {
    if ((!a.empty() && a.size() != item.a.size()) || b.size() != item.b.size() ||
        c.size() != item.c.size())
      throw std::logic_error("stocked material of another size than its shape");
    std::copy_n(item.a.begin(), a.size(), a.begin());
    std::copy(item.b.begin(), item.b.end(), b.begin());
    std::copy(item.c.begin(), item.c.end(), c.begin());
  }

  vm::Preprocessing &gen() {
    if (!gen_) {
      preproc::OtOptions o;
      o.parties = parties_;
      gen_ = preproc::makeOtPreprocessing(ch_, o);
    }
    return *gen_;
  }

  void serve(PoolKind kind, std::span<uint64_t> x, std::span<uint64_t> y, std::span<uint64_t> z) {
    const std::size_t k = std::size_t(kind), n = x.size();
    Lot &lot = lots_[k];
    // next_[k] <= lot.n always: a used-up lot is cleared and its cursor reset
    // together, so no record is served twice and none past the lot's end.
    const Dest dest{x, y, z, n};
    const std::size_t take = std::min(n, lot.n - next_[k]);
    copyOut(kind, lot, next_[k], take, dest, 0);
    next_[k] += take;
    stats_.used[k] += n;
    if (lot.n != 0 && next_[k] == lot.n) lot.clear(), next_[k] = 0;
    if (take == n) return;
    ++stats_.onDemandCalls;
    Lot more = makeLot(gen(), kind, n - take, shift_);
    copyOut(kind, more, 0, n - take, dest, take);
  }

  Lots lots_;
  Stocked stocked_;
  std::array<std::size_t, kPoolKinds> next_{};
  vm::Channel &ch_;
  uint32_t parties_, shift_;
  std::unique_ptr<vm::Preprocessing> gen_;
  MaterialStats stats_;
};

} // namespace

Lot::Lot(Lot &&o) noexcept : n(o.n), x(std::move(o.x)), y(std::move(o.y)), z(std::move(o.z)) {
  o.clear();
}

Lot &Lot::operator=(Lot &&o) noexcept {
  if (this != &o) {
    clear();
    n = o.n, x = std::move(o.x), y = std::move(o.y), z = std::move(o.z);
    o.clear();
  }
  return *this;
}

void Lot::clear() {
  wipe(x), wipe(y), wipe(z);
  n = 0;
}

Lot makeLot(vm::Preprocessing &gen, PoolKind kind, std::size_t n, uint32_t truncShift) {
  Lot l;
  l.n = n;
  switch (kind) {
  case PoolKind::Triple:
  case PoolKind::BoolTriple:
  case PoolKind::Trunc:
    l.x.resize(n), l.y.resize(n), l.z.resize(n);
    if (n == 0) break;
    if (kind == PoolKind::Triple)
      gen.triples(l.x, l.y, l.z);
    else if (kind == PoolKind::BoolTriple)
      gen.boolTriples(l.x, l.y, l.z);
    else
      gen.truncPairs(truncShift, l.x, l.y, l.z);
    break;
  case PoolKind::DaBit:
    l.x.resize(n), l.y.resize(words64(n));
    if (n) gen.daBits(l.x, l.y);
    break;
  case PoolKind::EdaBit:
    l.x.resize(n), l.y.resize(64 * words64(n));
    if (n) gen.edaBits(l.x, l.y);
    break;
  }
  return l;
}

Lots drawLots(vm::Preprocessing &from, const std::array<uint64_t, kPoolKinds> &counts,
              uint32_t truncShift) {
  Lots lots;
  for (std::size_t k = 0; k < kPoolKinds; ++k)
    lots[k] = makeLot(from, PoolKind(k), counts[k], truncShift);
  return lots;
}

std::unique_ptr<JobMaterial> makeJobMaterial(Lots lots, vm::Channel &onDemand, uint32_t parties,
                                             uint32_t truncShift, double reserveWaitSeconds,
                                             Stocked stocked) {
  return std::make_unique<Reserved>(std::move(lots), onDemand, parties, truncShift,
                                    reserveWaitSeconds, std::move(stocked));
}

} // namespace smpc::node

//===- compare_tasks.cpp - ltz and eqz via edaBits and a bit-sliced AND tree ===//
//
// Both open c = x + r for an edaBit r (arithmetic r, XOR-shared bits r_i),
// then evaluate a boolean circuit of the public c and the shared bits, one
// AND level per round with boolean Beaver triples, all elements of the vector
// bit-sliced 64 to a word, and finally turn the result bit into an arithmetic
// 0/1 share with a daBit.
//
// ltz: msb(x) = c_63 ^ r_63 ^ [c mod 2^63 < r mod 2^63]; the comparison is a
//      tree over bits 0..62 combining (lt, eq) pairs:
//      lt = lt_hi ^ (eq_hi & lt_lo), eq = eq_hi & eq_lo (6 levels, 123 ANDs).
//      Exact for every x in Z_2^64 read as a signed integer.
// eqz: x == 0 iff c == r iff all 64 bits of ~(c ^ r) are 1: an AND tree
//      (6 levels, 63 ANDs).
//===----------------------------------------------------------------------===//
#include "vm/bytecode/cost.h"
#include "vm/core/errors.h"
#include "vm/protocols/common/bits.h"
#include "vm/protocols/semi2k/task.h"

#include <algorithm>
#include <string>

namespace smpc::semi2k {

namespace {

// The circuit's nodes live in two flat buffers of `words` per node (node t at
// [t * words, (t + 1) * words)), and each AND level writes its results in
// place over the nodes it consumed: no buffer per node or per level.
class CompareTask final : public Task {
public:
  CompareTask(vm::InteractiveOp &op, Context &ctx, bool ltz)
      : op_(op), ctx_(ctx), ltz_(ltz), n_(op.out.size()), w_((n_ + 63) / 64), r_(Words::uninit(n_)),
        rbits_(Words::uninit(64 * w_)), da_(Words::uninit(n_)), db_(Words::uninit(w_)),
        c_(Words::uninit(n_)) {
    ctx.pre.edaBits(r_.span(), rbits_.span());
    ctx.pre.daBits(da_.span(), db_.span());
    const uint64_t ands = (ltz ? bc::kLtzAndsPerWord : bc::kEqzAndsPerWord) * w_;
    ta_ = Words::uninit(ands), tb_ = Words::uninit(ands), tc_ = Words::uninit(ands);
    ctx.pre.boolTriples(ta_.span(), tb_.span(), tc_.span());
    for (size_t i = 0; i < n_; ++i)
      c_[i] = op.x[i] + r_[i];
    r_ = Words(); // freed (wiped) now: the next buffers can reuse its memory
  }

  void send(Exchange &ex) override {
    switch (phase_) {
    case Phase::OpenMasked:
      ex.putAll(c_.span());
      break;
    case Phase::AndLevel:
      ex.putAll(std::span<const uint64_t>(de_.data(), 2 * ands_));
      break;
    case Phase::BitToArith:
      ex.putAll(masked_.span());
      break;
    }
  }

  void receive(Exchange &ex) override {
    switch (phase_) {
    case Phase::OpenMasked:
      sumOpenedInPlace(ex, c_.span());
      buildLeaves();
      prepareLevel();
      phase_ = Phase::AndLevel;
      break;
    case Phase::AndLevel:
      finishLevel(ex);
      if (count_ > 1) {
        prepareLevel();
      } else {
        prepareBitToArith();
        phase_ = Phase::BitToArith;
      }
      break;
    case Phase::BitToArith: {
      xorOpenedInPlace(ex, masked_.span());
      const Words &o = masked_;
      // arith(b) = d + o - 2 o d for b = o ^ d with o public.
      for (size_t i = 0; i < n_; ++i) {
        const uint64_t oi = (o[i / 64] >> (i % 64)) & 1;
        op_.out[i] = (ctx_.leader() ? oi : 0) + da_[i] * (1 - 2 * oi);
      }
      done_ = true;
      break;
    }
    }
  }

private:
  enum class Phase { OpenMasked, AndLevel, BitToArith };

  uint64_t *lt(size_t t) { return lt_.data() + t * w_; }
  uint64_t *eq(size_t t) { return eq_.data() + t * w_; }

  // Bit-slices the opened c into eq_ (64 rows) and forms the leaves from it
  // and the shared r bits in place. Row 63 of eq_ is never a leaf of ltz: it
  // keeps c's top bit for prepareBitToArith.
  void buildLeaves() {
    eq_ = Words::uninit(64 * w_);
    protocols::sliceBits(c_.data(), n_, eq_.data());
    c_ = Words();
    count_ = ltz_ ? 63 : 64;
    if (ltz_) lt_ = Words::uninit(63 * w_);
    const uint64_t mine = ctx_.leader() ? ~uint64_t(0) : 0; // party 0 adds public bits
    for (size_t b = 0; b < count_; ++b) {
      uint64_t *e = eq(b);
      const uint64_t *rb = rbits_.data() + b * w_;
      if (ltz_) {
        uint64_t *l = lt(b);
        for (size_t w = 0; w < w_; ++w)
          l[w] = ~e[w] & rb[w]; // c_i = 0 and r_i = 1
      }
      for (size_t w = 0; w < w_; ++w)
        e[w] = rb[w] ^ (~e[w] & mine); // c_i == r_i
    }
    // The first level has the most gates: its buffer serves every level.
    de_ = Words::uninit(2 * (count_ / 2) * (ltz_ ? 2 : 1) * w_);
  }

  // Lists this level's AND gates and masks them with the next triples.
  void prepareLevel() {
    const size_t pairs = count_ / 2;
    const bool last = count_ == 2;
    gates_ = ltz_ ? (last ? 1 : 2) : 1; // ANDs per pair
    ands_ = pairs * gates_ * w_;
    if (used_ + ands_ > ta_.size())
      throw vm::ProtocolError("comparison circuit needs more AND triples than fetched");
    uint64_t *d = de_.data(), *e = de_.data() + ands_;
    const uint64_t *ta = ta_.data() + used_, *tb = tb_.data() + used_;
    size_t g = 0;
    auto gate = [&](const uint64_t *x, const uint64_t *y) {
      for (size_t w = 0; w < w_; ++w, ++g) {
        d[g] = x[w] ^ ta[g];
        e[g] = y[w] ^ tb[g];
      }
    };
    for (size_t t = 0; t < pairs; ++t) {
      const size_t hi = 2 * t + 1, lo = 2 * t;
      if (ltz_) {
        gate(eq(hi), lt(lo));
        if (!last) gate(eq(hi), eq(lo));
      } else {
        gate(eq(hi), eq(lo));
      }
    }
  }

  // Opens this level's masked gates and writes node t of the next level
  // over node t of this one: it reads only nodes 2t + 1 and up, which no
  // earlier step has overwritten.
  void finishLevel(Exchange &ex) {
    const size_t ands = ands_;
    xorOpenedInPlace(ex, std::span<uint64_t>(de_.data(), 2 * ands));
    const uint64_t p0 = ctx_.leader() ? ~uint64_t(0) : 0;
    const uint64_t *d = de_.data(), *e = de_.data() + ands;
    const uint64_t *ta = ta_.data() + used_, *tb = tb_.data() + used_, *tc = tc_.data() + used_;
    auto z = [&](size_t g) { return tc[g] ^ (d[g] & tb[g]) ^ (e[g] & ta[g]) ^ (d[g] & e[g] & p0); };
    const size_t pairs = count_ / 2;
    size_t g = 0;
    for (size_t t = 0; t < pairs; ++t) {
      if (ltz_) {
        const uint64_t *hl = lt(2 * t + 1);
        uint64_t *l = lt(t);
        for (size_t w = 0; w < w_; ++w, ++g)
          l[w] = hl[w] ^ z(g);
        if (gates_ == 2) {
          uint64_t *q = eq(t);
          for (size_t w = 0; w < w_; ++w, ++g)
            q[w] = z(g);
        }
      } else {
        uint64_t *q = eq(t);
        for (size_t w = 0; w < w_; ++w, ++g)
          q[w] = z(g);
      }
    }
    used_ += ands;
    if (count_ % 2) { // the odd node out moves down unchanged
      if (ltz_) std::copy_n(lt(count_ - 1), w_, lt(pairs));
      std::copy_n(eq(count_ - 1), w_, eq(pairs));
    }
    count_ = pairs + count_ % 2;
  }

  void prepareBitToArith() {
    masked_ = Words::uninit(w_);
    const uint64_t p0 = ctx_.leader() ? ~uint64_t(0) : 0;
    const uint64_t *c63 = eq(63), *r63 = rbits_.data() + 63 * w_;
    for (size_t w = 0; w < w_; ++w) {
      uint64_t bit = ltz_ ? r63[w] ^ lt(0)[w] ^ (c63[w] & p0) : eq(0)[w];
      // Padding lanes beyond the vector are forced to 0 before opening.
      if (w == w_ - 1 && n_ % 64) bit &= (uint64_t(1) << (n_ % 64)) - 1;
      masked_[w] = bit ^ db_[w];
    }
  }

  vm::InteractiveOp &op_;
  Context &ctx_;
  bool ltz_;
  size_t n_, w_;
  Words r_, rbits_, da_, db_, c_;
  Words ta_, tb_, tc_;
  size_t used_ = 0;
  Words lt_, eq_;    // the circuit's nodes (lt_ only for ltz)
  size_t count_ = 0; // nodes of the current level
  unsigned gates_ = 0;
  size_t ands_ = 0; // this level's AND gates (words)
  Words de_, masked_;
  Phase phase_ = Phase::OpenMasked;
};

} // namespace

std::unique_ptr<Task> makeCompareTask(vm::InteractiveOp &op, Context &ctx) {
  const bool ltz = op.op == bc::Op::LtzS;
  if (op.x.size() != op.out.size())
    throw vm::ProtocolError(std::string(ltz ? "ltz.s" : "eqz.s") +
                            ": operand lengths do not match");
  return std::make_unique<CompareTask>(op, ctx, ltz);
}

} // namespace smpc::semi2k

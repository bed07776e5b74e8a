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
#include "vm/protocols/semi2k/task.h"

#include <string>

namespace smpc::semi2k {

namespace {

struct Node {
  Words lt, eq; // each `words` long; lt unused for eqz
};

class CompareTask final : public Task {
public:
  CompareTask(vm::InteractiveOp &op, Context &ctx, bool ltz)
      : op_(op), ctx_(ctx), ltz_(ltz), n_(op.out.size()), w_((n_ + 63) / 64), r_(n_),
        rbits_(64 * w_), da_(n_), db_(w_), c_(n_) {
    ctx.pre.edaBits(r_.span(), rbits_.span());
    ctx.pre.daBits(da_.span(), db_.span());
    const uint64_t ands = (ltz ? bc::kLtzAndsPerWord : bc::kEqzAndsPerWord) * w_;
    ta_ = Words(ands), tb_ = Words(ands), tc_ = Words(ands);
    ctx.pre.boolTriples(ta_.span(), tb_.span(), tc_.span());
    for (size_t i = 0; i < n_; ++i)
      c_[i] = op.x[i] + r_[i];
  }

  void send(Exchange &ex) override {
    switch (phase_) {
    case Phase::OpenMasked:
      ex.putAll(c_.span());
      break;
    case Phase::AndLevel:
      ex.putAll(de_.span());
      break;
    case Phase::BitToArith:
      ex.putAll(masked_.span());
      break;
    }
  }

  void receive(Exchange &ex) override {
    switch (phase_) {
    case Phase::OpenMasked: {
      Words c(n_);
      sumOpened(ex, c_.span(), c.span());
      buildLeaves(c);
      prepareLevel();
      phase_ = Phase::AndLevel;
      break;
    }
    case Phase::AndLevel:
      finishLevel(ex);
      if (nodes_.size() > 1) {
        prepareLevel();
      } else {
        prepareBitToArith();
        phase_ = Phase::BitToArith;
      }
      break;
    case Phase::BitToArith: {
      Words o(w_);
      xorOpened(ex, masked_.span(), o.span());
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

  // Bit-slices the public c and forms the leaves from it and the shared r bits.
  void buildLeaves(const Words &c) {
    cbits_ = Words(64 * w_);
    for (size_t e = 0; e < n_; ++e)
      for (unsigned b = 0; b < 64; ++b)
        cbits_[b * w_ + e / 64] |= ((c[e] >> b) & 1) << (e % 64);
    const unsigned leaves = ltz_ ? 63 : 64;
    const uint64_t mine = ctx_.leader() ? ~uint64_t(0) : 0; // party 0 adds public bits
    for (unsigned b = 0; b < leaves; ++b) {
      Node nd{Words(ltz_ ? w_ : 0), Words(w_)};
      for (size_t w = 0; w < w_; ++w) {
        const uint64_t cb = cbits_[b * w_ + w], rb = rbits_[b * w_ + w];
        if (ltz_) nd.lt[w] = ~cb & rb; // c_i = 0 and r_i = 1
        nd.eq[w] = rb ^ (~cb & mine);  // c_i == r_i
      }
      nodes_.push_back(std::move(nd));
    }
  }

  // Lists this level's AND gates and masks them with the next triples.
  void prepareLevel() {
    const size_t pairs = nodes_.size() / 2;
    const bool last = nodes_.size() == 2;
    gates_ = ltz_ ? (last ? 1 : 2) : 1; // ANDs per pair
    const size_t ands = pairs * gates_ * w_;
    if (used_ + ands > ta_.size())
      throw vm::ProtocolError("comparison circuit needs more AND triples than fetched");
    de_ = Words(2 * ands);
    size_t g = 0;
    auto gate = [&](const Words &x, const Words &y) {
      for (size_t w = 0; w < w_; ++w, ++g) {
        de_[g] = x[w] ^ ta_[used_ + g];
        de_[ands + g] = y[w] ^ tb_[used_ + g];
      }
    };
    for (size_t t = 0; t < pairs; ++t) {
      const Node &hi = nodes_[2 * t + 1], &lo = nodes_[2 * t];
      if (ltz_) {
        gate(hi.eq, lo.lt);
        if (!last) gate(hi.eq, lo.eq);
      } else {
        gate(hi.eq, lo.eq);
      }
    }
  }

  void finishLevel(Exchange &ex) {
    const size_t ands = de_.size() / 2;
    Words de(2 * ands);
    xorOpened(ex, de_.span(), de.span());
    const uint64_t p0 = ctx_.leader() ? ~uint64_t(0) : 0;
    Words z(ands);
    for (size_t g = 0; g < ands; ++g) {
      const uint64_t d = de[g], e = de[ands + g], i = used_ + g;
      z[g] = tc_[i] ^ (d & tb_[i]) ^ (e & ta_[i]) ^ (d & e & p0);
    }
    used_ += ands;
    const size_t pairs = nodes_.size() / 2;
    std::vector<Node> next;
    size_t g = 0;
    for (size_t t = 0; t < pairs; ++t) {
      Node nd{Words(ltz_ ? w_ : 0), Words(gates_ == 2 || !ltz_ ? w_ : 0)};
      const Node &hi = nodes_[2 * t + 1];
      if (ltz_) {
        for (size_t w = 0; w < w_; ++w)
          nd.lt[w] = hi.lt[w] ^ z[g * w_ + w];
        ++g;
        if (gates_ == 2) {
          for (size_t w = 0; w < w_; ++w)
            nd.eq[w] = z[g * w_ + w];
          ++g;
        }
      } else {
        for (size_t w = 0; w < w_; ++w)
          nd.eq[w] = z[g * w_ + w];
        ++g;
      }
      next.push_back(std::move(nd));
    }
    if (nodes_.size() % 2) next.push_back(std::move(nodes_.back()));
    nodes_ = std::move(next);
  }

  void prepareBitToArith() {
    masked_ = Words(w_);
    const Node &root = nodes_[0];
    const uint64_t p0 = ctx_.leader() ? ~uint64_t(0) : 0;
    for (size_t w = 0; w < w_; ++w) {
      uint64_t bit =
          ltz_ ? rbits_[63 * w_ + w] ^ root.lt[w] ^ (cbits_[63 * w_ + w] & p0) : root.eq[w];
      // Padding lanes beyond the vector are forced to 0 before opening.
      if (w == w_ - 1 && n_ % 64) bit &= (uint64_t(1) << (n_ % 64)) - 1;
      masked_[w] = bit ^ db_[w];
    }
  }

  vm::InteractiveOp &op_;
  Context &ctx_;
  bool ltz_;
  size_t n_, w_;
  Words r_, rbits_, da_, db_, c_, cbits_;
  Words ta_, tb_, tc_;
  size_t used_ = 0;
  std::vector<Node> nodes_;
  unsigned gates_ = 0;
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

//===- compare.cpp - ltz and eqz as one boolean circuit for any sharing ---===//
//
// 1. The sharing splits x into k >= 2 numbers known to single parties (or
//    pairs) and shares their bits (toBoolNumbers, 1 round).
// 2. Carry-save adders turn three numbers into two (s = a^b^c and the
//    majority shifted up by one bit) until two remain, A + B = x
//    (1 AND round each).
// 3. ltz: msb(A + B) = A_63 ^ B_63 ^ carry into bit 63, the carry from a
//    parallel-prefix tree of (generate, propagate) pairs over bits 0..62:
//    leaves g = A&B, p = A^B (1 round), then 6 levels combining
//    (G, P) = (G_hi ^ P_hi&G_lo, P_hi&P_lo).
//    eqz: the numbers add up to x - 1, so x == 0 iff A + B = 2^64 - 1 iff
//    B = ~A iff every bit of A ^ B is 1: an AND tree of 6 levels.
// 4. The result bit becomes a ring element with a daBit d: open o = bit ^ d
//    (1 round), result = d + o - 2od.
// Boolean values are bit-sliced 64 elements to a word (bits.h), every AND of
// one level in one step. docs/protocols.md derives the round counts.
//===----------------------------------------------------------------------===//
#include "vm/protocols/common/bits.h"
#include "vm/protocols/hm/hm.h"

#include <algorithm>

namespace smpc::hm {

namespace {

/// Planar boolean words: `bw` planes of `len` words.
struct Slab {
  Words data;
  size_t len = 0;
  uint32_t bw = 1;
  Slab() = default;
  Slab(size_t l, uint32_t w) : data(l * w), len(l), bw(w) {}
  uint64_t *at(uint32_t p, size_t i) { return data.data() + p * len + i; }
  const uint64_t *at(uint32_t p, size_t i) const { return data.data() + p * len + i; }
};

/// dst[dOff..] := src[sOff..] (cnt words, every plane).
void copyWords(Slab &dst, size_t dOff, const Slab &src, size_t sOff, size_t cnt) {
  for (uint32_t p = 0; p < dst.bw; ++p)
    std::copy(src.at(p, sOff), src.at(p, sOff) + cnt, dst.at(p, dOff));
}
/// dst[dOff..] ^= src[sOff..] (cnt words, every plane).
void xorWords(Slab &dst, size_t dOff, const Slab &src, size_t sOff, size_t cnt) {
  for (uint32_t p = 0; p < dst.bw; ++p) {
    uint64_t *d = dst.at(p, dOff);
    const uint64_t *s = src.at(p, sOff);
    for (size_t i = 0; i < cnt; ++i)
      d[i] ^= s[i];
  }
}

class CompareTask final : public Task {
public:
  CompareTask(HmProtocol &proto, vm::InteractiveOp &op, bool ltz)
      : p_(proto), op_(op), ltz_(ltz), w_(proto.shareWidth()), bw_(proto.boolWidth()),
        n_(op.out.size() / w_), W_(protocols::wordsFor(n_)) {
    step_ = p_.toBoolNumbers(op.x, n_, !ltz, rawNumbers_);
    dab_ = p_.daBits(n_, daArith_, daBits_);
    phase_ = Phase::Numbers;
  }

  void send(Exchange &ex) override {
    if (dab_ && !dab_->done()) dab_->send(ex);
    if (step_) step_->send(ex);
  }

  void receive(Exchange &ex) override {
    if (dab_ && !dab_->done()) dab_->receive(ex);
    if (step_) {
      step_->receive(ex);
      step_.reset();
      finishStep();
    }
    if (!step_ && !done_) nextStep();
  }

private:
  enum class Phase { Numbers, Csa, Leaves, Tree, Open, Done };

  size_t numLen() const { return 64 * W_; }

  // Consumes the results of the step that just ran.
  void finishStep() {
    switch (phase_) {
    case Phase::Numbers:
      for (Words &w : rawNumbers_) {
        Slab s;
        s.data = std::move(w);
        s.len = numLen();
        s.bw = bw_;
        numbers_.push_back(std::move(s));
      }
      rawNumbers_.clear();
      break;
    case Phase::Csa:
      finishCsa();
      break;
    case Phase::Leaves:
      finishLeaves();
      break;
    case Phase::Tree:
      finishTreeLevel();
      break;
    case Phase::Open:
      finishOpen();
      break;
    case Phase::Done:
      break;
    }
  }

  // Chooses and starts the next step (none while waiting for the daBits).
  void nextStep() {
    if (numbers_.size() > 2) return startCsa();
    if (phase_ == Phase::Numbers || phase_ == Phase::Csa) {
      if (ltz_) return startLeaves();
      startEqTree();
    }
    if (nodes_ > 1) return startTreeLevel();
    if (dab_ && !dab_->done()) return; // the daBit task still runs
    startOpen();
  }

  // ---- carry-save adders: three numbers -> two -------------------------
  void startCsa() {
    phase_ = Phase::Csa;
    const size_t groups = numbers_.size() / 3, L = 63 * W_;
    csaX_ = Slab(groups * L, bw_), csaY_ = Slab(groups * L, bw_), csaM_ = Slab(groups * L, bw_);
    for (size_t g = 0; g < groups; ++g) {
      const Slab &a = numbers_[3 * g], &b = numbers_[3 * g + 1], &c = numbers_[3 * g + 2];
      copyWords(csaX_, g * L, a, 0, L);
      xorWords(csaX_, g * L, c, 0, L);
      copyWords(csaY_, g * L, b, 0, L);
      xorWords(csaY_, g * L, c, 0, L);
    }
    step_ = p_.band(csaX_.data.span(), csaY_.data.span(), csaM_.data.span(), groups * L);
  }

  void finishCsa() {
    const size_t groups = numbers_.size() / 3, L = 63 * W_;
    std::vector<Slab> next;
    for (size_t g = 0; g < groups; ++g) {
      Slab &a = numbers_[3 * g], &b = numbers_[3 * g + 1], &c = numbers_[3 * g + 2];
      Slab s(numLen(), bw_), carry(numLen(), bw_);
      copyWords(s, 0, a, 0, numLen());
      xorWords(s, 0, b, 0, numLen());
      xorWords(s, 0, c, 0, numLen());
      // maj = ((a^c)&(b^c))^c for bits 0..62, moved up one position.
      copyWords(carry, W_, csaM_, g * L, L);
      xorWords(carry, W_, c, 0, L);
      next.push_back(std::move(s));
      next.push_back(std::move(carry));
    }
    for (size_t i = 3 * groups; i < numbers_.size(); ++i)
      next.push_back(std::move(numbers_[i]));
    numbers_ = std::move(next);
  }

  // ---- ltz: generate/propagate leaves over bits 0..62 --------------------
  void startLeaves() {
    phase_ = Phase::Leaves;
    const size_t L = 63 * W_;
    g_ = Slab(L, bw_), leafA_ = Slab(L, bw_), leafB_ = Slab(L, bw_);
    copyWords(leafA_, 0, numbers_[0], 0, L);
    copyWords(leafB_, 0, numbers_[1], 0, L);
    step_ = p_.band(leafA_.data.span(), leafB_.data.span(), g_.data.span(), L);
  }

  void finishLeaves() {
    const size_t L = 63 * W_;
    // Node i (bit i) is (G, P) = (g_i, a_i ^ b_i), W words each.
    G_ = std::move(g_);
    P_ = Slab(L, bw_);
    copyWords(P_, 0, leafA_, 0, L);
    xorWords(P_, 0, leafB_, 0, L);
    // msb(A) ^ msb(B), needed at the end.
    top_ = Slab(W_, bw_);
    copyWords(top_, 0, numbers_[0], 63 * W_, W_);
    xorWords(top_, 0, numbers_[1], 63 * W_, W_);
    leafA_ = Slab(), leafB_ = Slab();
    numbers_.clear();
    nodes_ = 63;
  }

  // ---- eqz: leaves are the bits of A ^ B ---------------------------------
  void startEqTree() {
    phase_ = Phase::Tree;
    G_ = Slab(numLen(), bw_);
    copyWords(G_, 0, numbers_[0], 0, numLen());
    xorWords(G_, 0, numbers_[1], 0, numLen());
    numbers_.clear();
    nodes_ = 64;
  }

  // ---- one level of the tree: pairs (2t+1 = hi, 2t = lo) -----------------
  void startTreeLevel() {
    phase_ = Phase::Tree;
    const size_t pairs = nodes_ / 2;
    const bool last = nodes_ == 2;
    andsPerPair_ = ltz_ && !last ? 2 : 1;
    const size_t L = pairs * andsPerPair_ * W_;
    treeX_ = Slab(L, bw_), treeY_ = Slab(L, bw_), treeZ_ = Slab(L, bw_);
    size_t o = 0;
    for (size_t t = 0; t < pairs; ++t) {
      const size_t hi = (2 * t + 1) * W_, lo = 2 * t * W_;
      if (ltz_) {
        copyWords(treeX_, o, P_, hi, W_); // P_hi & G_lo
        copyWords(treeY_, o, G_, lo, W_);
        o += W_;
        if (andsPerPair_ == 2) { // P_hi & P_lo
          copyWords(treeX_, o, P_, hi, W_);
          copyWords(treeY_, o, P_, lo, W_);
          o += W_;
        }
      } else { // eq_hi & eq_lo
        copyWords(treeX_, o, G_, hi, W_);
        copyWords(treeY_, o, G_, lo, W_);
        o += W_;
      }
    }
    step_ = p_.band(treeX_.data.span(), treeY_.data.span(), treeZ_.data.span(), L);
  }

  void finishTreeLevel() {
    const size_t pairs = nodes_ / 2, next = pairs + nodes_ % 2;
    Slab G(next * W_, bw_), P(ltz_ ? next * W_ : 0, bw_);
    size_t o = 0;
    for (size_t t = 0; t < pairs; ++t) {
      const size_t hi = (2 * t + 1) * W_;
      if (ltz_) {
        copyWords(G, t * W_, G_, hi, W_); // G = G_hi ^ (P_hi & G_lo)
        xorWords(G, t * W_, treeZ_, o, W_);
        o += W_;
        if (andsPerPair_ == 2) {
          copyWords(P, t * W_, treeZ_, o, W_);
          o += W_;
        }
      } else {
        copyWords(G, t * W_, treeZ_, o, W_);
        o += W_;
      }
    }
    if (nodes_ % 2) { // the odd node moves up unchanged
      copyWords(G, pairs * W_, G_, (nodes_ - 1) * W_, W_);
      if (ltz_) copyWords(P, pairs * W_, P_, (nodes_ - 1) * W_, W_);
    }
    G_ = std::move(G);
    P_ = std::move(P);
    nodes_ = next;
  }

  // ---- bit to ring element with the daBit --------------------------------
  void startOpen() {
    phase_ = Phase::Open;
    Slab bit(W_, bw_);
    copyWords(bit, 0, G_, 0, W_);
    if (ltz_) xorWords(bit, 0, top_, 0, W_);
    Slab da;
    da.data = std::move(daBits_);
    da.len = W_;
    da.bw = bw_;
    xorWords(bit, 0, da, 0, W_);
    daBits_ = std::move(da.data);
    // Lanes past n carry garbage: zero them (an AND with a public mask is
    // linear in every sharing here) so the opening shows nothing of it.
    for (uint32_t p = 0; p < bw_; ++p)
      for (size_t w = 0; w < W_; ++w)
        *bit.at(p, w) &= protocols::laneMask(n_, w);
    masked_ = std::move(bit);
    opened_ = Words(W_);
    step_ = p_.openBool(masked_.data.span(), opened_.span(), W_);
  }

  void finishOpen() {
    // result = d + o - 2od = d * (1 - 2o) + o, with o public.
    std::vector<uint64_t> o(n_);
    for (size_t i = 0; i < n_; ++i)
      o[i] = (opened_[i / 64] >> (i % 64)) & 1;
    for (uint32_t j = 0; j < w_; ++j)
      for (size_t i = 0; i < n_; ++i)
        op_.out[j * n_ + i] = daArith_[j * n_ + i] * (1 - 2 * o[i]);
    p_.addPublic(op_.out, o, op_.out);
    phase_ = Phase::Done;
    done_ = true;
  }

  HmProtocol &p_;
  vm::InteractiveOp &op_;
  bool ltz_;
  uint32_t w_, bw_;
  size_t n_, W_;
  Phase phase_ = Phase::Numbers;
  std::unique_ptr<Step> step_;
  std::unique_ptr<Task> dab_;
  Words daArith_, daBits_;
  std::vector<Words> rawNumbers_;
  std::vector<Slab> numbers_;
  Slab csaX_, csaY_, csaM_;
  Slab g_, leafA_, leafB_, top_;
  Slab G_, P_;
  size_t nodes_ = 0;
  unsigned andsPerPair_ = 1;
  Slab treeX_, treeY_, treeZ_;
  Slab masked_;
  Words opened_;
};

} // namespace

std::unique_ptr<Task> makeCompareTask(HmProtocol &proto, vm::InteractiveOp &op) {
  return std::make_unique<CompareTask>(proto, op, op.op == bc::Op::LtzS);
}

} // namespace smpc::hm

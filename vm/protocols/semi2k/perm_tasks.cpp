//===- perm_tasks.cpp - secret shuffle and bit extraction -----------------===//
#include "vm/core/errors.h"
#include "vm/protocols/semi2k/task.h"

#include <sodium.h>
#include <string>
#include <vector>

namespace smpc::semi2k {

namespace {

/// Every party in turn permutes the shared rows with a permutation only it
/// knows (docs/protocols.md): in party j's round the others send it their
/// shares masked by their a_k; it computes pi_j(x_j + sum of what it got)
/// = pi_j(x) - pi_j(sum a_k) and adds its share of pi_j(sum a_k); the others'
/// new shares are their shares of pi_j(sum a_k). After all N turns the rows
/// are in the order pi_{N-1} o ... o pi_0, which no N - 1 parties know.
class ShuffleTask final : public Task {
public:
  ShuffleTask(vm::InteractiveOp &op, Context &ctx)
      : op_(op), ctx_(ctx), rows_(op.x.size() / op.width) {
    const uint32_t n = ctx.parties;
    const size_t len = op.x.size();
    turns_.resize(n);
    for (uint32_t j = 0; j < n; ++j) {
      Turn &t = turns_[j];
      // The last turn's share is the result: drawn straight into `out`
      // (which never aliases `x`), so nothing is copied at the end.
      if (j + 1 < n) t.share = Words::uninit(len);
      if (j == ctx.self)
        t.perm.assign(rows_, 0);
      else
        t.mask = Words::uninit(len);
      // An empty vector still takes its rounds, but needs no material.
      if (rows_ > 0)
        ctx.pre.shuffleTurn(j, uint32_t(rows_), op.width, t.perm, t.mask.span(), share(j));
    }
  }
  ~ShuffleTask() override {
    for (Turn &t : turns_)
      sodium_memzero(t.perm.data(), t.perm.size() * sizeof(uint32_t));
  }
  void send(Exchange &ex) override {
    if (turn_ == ctx_.self) return; // the permuter only receives this round
    // The masked share goes out from the mask's own buffer (wiped once the
    // round is over); the first turn reads `x` itself, not a copy of it.
    Words &mask = turns_[turn_].mask;
    const uint64_t *cur = current();
    for (size_t i = 0; i < mask.size(); ++i)
      mask[i] = cur[i] - mask[i];
    ex.put(turn_, mask.span());
  }
  void receive(Exchange &ex) override {
    Turn &t = turns_[turn_];
    std::span<uint64_t> dst = share(turn_);
    if (turn_ == ctx_.self) {
      // pi_j(x_j + sum of (x_k - a_k)) added onto this turn's share, the
      // opening and the permutation in one pass.
      std::vector<std::span<const uint64_t>> theirs;
      for (uint32_t p = 0; p < ctx_.parties; ++p)
        if (p != ctx_.self) theirs.push_back(ex.take(p, dst.size()));
      const uint64_t *cur = current();
      const size_t w = op_.width;
      for (size_t r = 0; r < rows_; ++r) {
        const size_t src = size_t(t.perm[r]) * w;
        uint64_t *d = dst.data() + r * w;
        for (size_t c = 0; c < w; ++c) {
          uint64_t v = cur[src + c];
          for (const auto &o : theirs)
            v += o[src + c];
          d[c] += v;
        }
      }
    }
    t.mask = Words(); // wiped and freed as soon as it is used
    if (++turn_ == ctx_.parties) {
      cur_ = Words(); // wipes the previous share; the result is in `out`
      done_ = true;
    } else {
      cur_ = std::move(t.share); // wipes the previous share
    }
  }

private:
  struct Turn {
    std::vector<uint32_t> perm;
    Words mask, share;
  };
  std::span<uint64_t> share(uint32_t j) {
    return j + 1 == ctx_.parties ? op_.out : turns_[j].share.span();
  }
  // This party's share of the rows before the current turn.
  const uint64_t *current() const { return turn_ == 0 ? op_.x.data() : cur_.data(); }
  vm::InteractiveOp &op_;
  Context &ctx_;
  size_t rows_;
  Words cur_; // this party's share of the rows after the turns so far
  std::vector<Turn> turns_;
  uint32_t turn_ = 0;
};

/// Bit i of x when bits 0..i-1 of x are zero: z = x * 2^(63-i) is then 0 or
/// 2^63, so with truncation material (r, msb(r)) and c = z + r opened, no
/// carry reaches bit 63 and bit i = msb(c) XOR msb(r). c is uniform (r is).
class BitTask final : public Task {
public:
  BitTask(vm::InteractiveOp &op, Context &ctx)
      : op_(op), ctx_(ctx), r_(Words::uninit(op.out.size())), msb_(Words::uninit(op.out.size())),
        high_(Words::uninit(op.out.size())), c_(Words::uninit(op.out.size())) {
    const size_t n = op.out.size();
    ctx.pre.truncPairs(vm::Preprocessing::kBitShift, r_.span(), msb_.span(), high_.span());
    const unsigned up = 63 - op.shift;
    for (size_t i = 0; i < n; ++i)
      c_[i] = (op.x[i] << up) + r_[i];
  }
  void send(Exchange &ex) override { ex.putAll(c_.span()); }
  void receive(Exchange &ex) override {
    sumOpenedInPlace(ex, c_.span());
    const bool p0 = ctx_.leader();
    for (size_t i = 0; i < op_.out.size(); ++i) {
      const uint64_t cm = c_[i] >> 63;
      op_.out[i] = (p0 ? cm : 0) + msb_[i] * (1 - 2 * cm);
    }
    done_ = true;
  }

private:
  vm::InteractiveOp &op_;
  Context &ctx_;
  Words r_, msb_, high_, c_;
};

} // namespace

std::unique_ptr<Task> makeShuffleTask(vm::InteractiveOp &op, Context &ctx) {
  if (op.width == 0 || op.x.size() % op.width != 0 || op.out.size() != op.x.size())
    throw vm::ProtocolError("shuffle.s: operand lengths do not match");
  if (op.x.size() / op.width > UINT32_MAX) throw vm::ProtocolError("shuffle.s: too many rows");
  return std::make_unique<ShuffleTask>(op, ctx);
}

std::unique_ptr<Task> makeBitTask(vm::InteractiveOp &op, Context &ctx) {
  if (op.x.size() != op.out.size()) throw vm::ProtocolError("bit.s: operand lengths do not match");
  if (op.shift > 63)
    throw vm::ProtocolError("bit.s: bit position must be between 0 and 63, got " +
                            std::to_string(op.shift));
  return std::make_unique<BitTask>(op, ctx);
}

} // namespace smpc::semi2k

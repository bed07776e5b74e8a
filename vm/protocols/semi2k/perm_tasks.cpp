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
      : op_(op), ctx_(ctx), rows_(op.x.size() / op.width), cur_(Words::uninit(op.x.size())) {
    const uint32_t n = ctx.parties;
    const size_t len = op.x.size();
    turns_.resize(n);
    for (uint32_t j = 0; j < n; ++j) {
      Turn &t = turns_[j];
      t.share = Words::uninit(len);
      if (j == ctx.self)
        t.perm.assign(rows_, 0);
      else
        t.mask = Words::uninit(len);
      // An empty vector still takes its rounds, but needs no material.
      if (rows_ > 0)
        ctx.pre.shuffleTurn(j, uint32_t(rows_), op.width, t.perm, t.mask.span(), t.share.span());
    }
    std::copy(op.x.begin(), op.x.end(), cur_.data());
  }
  ~ShuffleTask() override {
    for (Turn &t : turns_)
      sodium_memzero(t.perm.data(), t.perm.size() * sizeof(uint32_t));
  }
  void send(Exchange &ex) override {
    if (turn_ == ctx_.self) return; // the permuter only receives this round
    Words &mask = turns_[turn_].mask;
    for (size_t i = 0; i < cur_.size(); ++i)
      cur_[i] -= mask[i]; // cur_ is not read again before transfer() ends
    ex.put(turn_, cur_.span());
  }
  void receive(Exchange &ex) override {
    Turn &t = turns_[turn_];
    if (turn_ == ctx_.self) {
      sumOpenedInPlace(ex, cur_.span()); // x_j + sum of (x_k - a_k)
      // The permuted rows are added onto this turn's share in place, which
      // then becomes the current share: no buffer allocated or copied.
      const size_t w = op_.width;
      for (size_t r = 0; r < rows_; ++r) {
        const uint64_t *src = cur_.data() + size_t(t.perm[r]) * w;
        uint64_t *dst = t.share.data() + r * w;
        for (size_t c = 0; c < w; ++c)
          dst[c] += src[c];
      }
    }
    cur_ = std::move(t.share); // wipes the previous share
    t.mask = Words();          // wiped and freed as soon as it is used
    if (++turn_ == ctx_.parties) {
      std::copy(cur_.data(), cur_.data() + cur_.size(), op_.out.begin());
      done_ = true;
    }
  }

private:
  struct Turn {
    std::vector<uint32_t> perm;
    Words mask, share;
  };
  vm::InteractiveOp &op_;
  Context &ctx_;
  size_t rows_;
  Words cur_; // this party's share of the rows so far
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

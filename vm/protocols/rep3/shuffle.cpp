//===- shuffle.cpp - rep3 secret shuffle without a dealer -----------------===//
#include "vm/protocols/hm/rows.h"
#include "vm/protocols/rep3/rep3.h"

#include <algorithm>

namespace smpc::rep3 {

namespace {

/// Three turns (docs/protocols.md, "rep3 and shamir shuffle"), pair
/// (j, j+1) in turn j, party j+2 outside it. Turn 0 turns the replicated
/// sharing into the 2-out-of-2 sharing a = x_0 + x_1 (party 0) and b = x_2
/// (party 1), locally. In each turn the pair permutes its two halves with
/// pi_j, drawn from the stream of slot j+1 (the one seed the pair alone
/// shares). Turns 0 and 1 then hand the sharing on to the next pair: with r
/// from slot j+1's stream, party j+1 keeps pi(b) - r and party j sends
/// pi(a) + r to party j+2 (uniform to it: it lacks slot j+1), so one
/// message of n words per turn. Turn 2 reshares to replicated: y_2 from
/// slot 2's stream (parties 2 and 1), y_1 from slot 1's (parties 0 and 1),
/// and y_0 = (pi(a) - y_2) + (pi(b) - y_1), the two halves exchanged by
/// parties 2 and 0, each masked by a slot its receiver lacks. A single
/// party misses one pi_j, so the order pi_2 o pi_1 o pi_0 is uniform to it.
class ShuffleTask final : public Task {
public:
  ShuffleTask(Rep3 &p, vm::InteractiveOp &op)
      : p_(p), op_(op), n_(op.out.size() / 2), rows_(n_ / op.width), cur_(Words::uninit(2 * n_)) {
    std::copy(op.x.begin(), op.x.end(), cur_.data());
  }
  void send(Exchange &ex) override {
    const size_t n = n_;
    const uint32_t role = (p_.self() + 3 - turn_) % 3; // 0: party j, 1: j+1, 2: j+2
    // Every party draws both slots every turn, so the streams stay aligned.
    Words ya = Words::uninit(n), yb = Words::uninit(n);
    p_.draw(n, ya.data(), yb.data()); // slots self and self+1
    uint64_t *x0 = cur_.data(), *x1 = x0 + n;
    if (role == 2) {
      if (turn_ == 2) { // (y_{j+2}, y_j) = slots 1 and 2: no message
        std::copy_n(ya.data(), n, x0);
        std::copy_n(yb.data(), n, x1);
      }
      return; // turns 0, 1: receives the next pair's half
    }
    if (turn_ == 0) { // replicated -> 2-out-of-2, locally
      half_ = Words::uninit(n);
      if (role == 0)
        for (size_t i = 0; i < n; ++i)
          half_[i] = x0[i] + x1[i];
      else
        std::copy_n(x1, n, half_.data());
    }
    // Party j holds slot j+1 as its second stream, party j+1 as its first.
    std::vector<uint32_t> perm = p_.drawShufflePerm(role == 0 ? 1 : 0, rows_);
    Words permuted = Words::uninit(n);
    hm::permuteRows(perm, half_.data(), permuted.data(), op_.width);
    hm::wipePerm(perm);
    half_ = Words();
    if (turn_ < 2) {
      // r: slot j+1's words, party j's second slot and party j+1's first.
      if (role == 0) {
        for (size_t i = 0; i < n; ++i)
          permuted[i] += yb[i];
        sent_ = std::move(permuted);
        ex.put(p_.prev(), sent_.span()); // to party j+2
      } else {
        for (size_t i = 0; i < n; ++i)
          permuted[i] -= ya[i];
        half_ = std::move(permuted);
      }
      return;
    }
    // Turn 2: party j's mask is y_j (its first slot), party j+1's y_{j+2}
    // (its second); the pair exchanges the masked halves.
    const Words &mask = role == 0 ? ya : yb;
    for (size_t i = 0; i < n; ++i)
      permuted[i] -= mask[i];
    sent_ = std::move(permuted);
    if (role == 0)
      std::copy_n(ya.data(), n, x0);
    else
      std::copy_n(yb.data(), n, x1);
    ex.put(role == 0 ? p_.next() : p_.prev(), sent_.span());
  }
  void receive(Exchange &ex) override {
    const uint32_t role = (p_.self() + 3 - turn_) % 3;
    if (turn_ < 2) {
      if (role == 2) { // party j+2 becomes the second member of the next pair
        auto in = ex.take(p_.next(), n_);
        half_ = Words::uninit(n_);
        std::copy(in.begin(), in.end(), half_.data());
      }
    } else if (role != 2) {
      auto in = ex.take(role == 0 ? p_.next() : p_.prev(), n_);
      uint64_t *y = cur_.data() + (role == 0 ? n_ : 0); // slot j+1
      for (size_t i = 0; i < n_; ++i)
        y[i] = sent_[i] + in[i];
    }
    sent_ = Words();
    if (++turn_ == 3) {
      std::copy_n(cur_.data(), 2 * n_, op_.out.begin());
      done_ = true;
    }
  }

private:
  Rep3 &p_;
  vm::InteractiveOp &op_;
  size_t n_, rows_;
  Words cur_, half_, sent_;
  uint32_t turn_ = 0;
};

} // namespace

std::unique_ptr<Task> Rep3::shuffle(vm::InteractiveOp &op) {
  return std::make_unique<ShuffleTask>(*this, op);
}

} // namespace smpc::rep3

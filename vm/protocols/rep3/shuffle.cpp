//===- shuffle.cpp - rep3 secret shuffle without a dealer -----------------===//
#include "vm/protocols/hm/rows.h"
#include "vm/protocols/rep3/rep3.h"

#include <algorithm>

namespace smpc::rep3 {

namespace {

/// Three turns (docs/protocols.md, "rep3 and shamir shuffle"), pair
/// (j, j+1) in turn j, party j+2 idle. x = x_0 + x_1 + x_2 becomes the
/// 2-out-of-2 sharing a = x_j + x_{j+1} (party j) and b = x_{j+2} (party
/// j+1); both permute with pi_j, drawn from the stream of slot j+1 (the one
/// seed the pair alone shares). New slots: y_j from slot j's stream (parties
/// j and j+2), y_{j+2} from slot j+2's (parties j+1 and j+2), and
/// y_{j+1} = (pi(a) - y_j) + (pi(b) - y_{j+2}), the two halves exchanged by
/// the pair: each sees the other's half masked by a slot it does not hold.
/// A single party misses one pi_j, so the order pi_2 o pi_1 o pi_0 is
/// uniform to it.
class ShuffleTask final : public Task {
public:
  ShuffleTask(Rep3 &p, vm::InteractiveOp &op)
      : p_(p), op_(op), n_(op.out.size() / 2), rows_(n_ / op.width), cur_(Words::uninit(2 * n_)) {
    std::copy(op.x.begin(), op.x.end(), cur_.data());
  }
  void send(Exchange &ex) override {
    const size_t n = n_, w = op_.width;
    const uint32_t role = (p_.self() + 3 - turn_) % 3; // 0: party j, 1: j+1, 2: j+2
    Words ya = Words::uninit(n), yb = Words::uninit(n);
    p_.draw(n, ya.data(), yb.data()); // slots self and self+1
    uint64_t *x0 = cur_.data(), *x1 = x0 + n;
    if (role == 2) { // (y_{j+2}, y_j): no message
      std::copy_n(ya.data(), n, x0);
      std::copy_n(yb.data(), n, x1);
      return;
    }
    // Party j holds slot j+1 as its second stream, party j+1 as its first.
    std::vector<uint32_t> perm = p_.drawShufflePerm(role == 0 ? 1 : 0, rows_);
    Words half = Words::uninit(n);
    if (role == 0)
      for (size_t i = 0; i < n; ++i)
        half[i] = x0[i] + x1[i];
    else
      std::copy_n(x1, n, half.data());
    sent_ = Words::uninit(n);
    hm::permuteRows(perm, half.data(), sent_.data(), w);
    hm::wipePerm(perm);
    const Words &mask = role == 0 ? ya : yb; // y_j, resp. y_{j+2}
    for (size_t i = 0; i < n; ++i)
      sent_[i] -= mask[i];
    if (role == 0)
      std::copy_n(ya.data(), n, x0);
    else
      std::copy_n(yb.data(), n, x1);
    ex.put(role == 0 ? p_.next() : p_.prev(), sent_.span());
  }
  void receive(Exchange &ex) override {
    const uint32_t role = (p_.self() + 3 - turn_) % 3;
    if (role != 2) {
      auto in = ex.take(role == 0 ? p_.next() : p_.prev(), n_);
      uint64_t *y = cur_.data() + (role == 0 ? n_ : 0); // slot j+1
      for (size_t i = 0; i < n_; ++i)
        y[i] = sent_[i] + in[i];
    }
    if (++turn_ == 3) {
      std::copy_n(cur_.data(), 2 * n_, op_.out.begin());
      done_ = true;
    }
  }

private:
  Rep3 &p_;
  vm::InteractiveOp &op_;
  size_t n_, rows_;
  Words cur_, sent_;
  uint32_t turn_ = 0;
};

} // namespace

std::unique_ptr<Task> Rep3::shuffle(vm::InteractiveOp &op) {
  return std::make_unique<ShuffleTask>(*this, op);
}

} // namespace smpc::rep3

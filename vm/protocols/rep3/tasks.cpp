//===- tasks.cpp - rep3 truncation and daBits ------------------------------===//
#include "vm/protocols/common/bits.h"
#include "vm/protocols/rep3/rep3.h"

#include <string>

namespace smpc::rep3 {

namespace {

/// Truncation by f bits in one round, exact up to one unit (docs/protocols.md,
/// "rep3 truncation"). With x' = x + 2^62 in [0, 2^63) for |x| < 2^62:
/// a = x_0 + x_1 + 2^62 is known to party 0, b = x_2 to parties 1 and 2,
/// a + b = x' + w 2^64 with the wrap w = msb(a) OR msb(b), so
///   floor(x'/2^f) + {0, 1} = (a>>f) + (b>>f) + 1 - K w,  K = 2^(64-f)
/// (the +1 turns the dropped carry of the low bits into {0, 1}). The only
/// term no party knows alone is K msb(a) msb(b): a three-party OT delivers
/// u + K msb(a) msb(b) to parties 1 and 2 for a mask u known to party 0
/// only (Mohassel-Rindal 2018, ABY3, sec. 5.4.1, with the helper role
/// played by each receiver for the other).
class TruncTask final : public Task {
public:
  TruncTask(Rep3 &p, vm::InteractiveOp &op)
      : p_(p), out_(op.out), n_(op.out.size() / 2), f_(op.shift) {
    const size_t n = n_;
    const uint32_t f = f_;
    const uint64_t K = uint64_t(1) << (64 - f);
    // Three draws: slot 0's stream (parties 0 and 2) gives rho, w0, w1;
    // slot 1's stream (parties 0 and 1) gives w'0, w'1.
    Words d[3][2];
    for (auto &pair : d) {
      pair[0] = Words::uninit(n), pair[1] = Words::uninit(n);
      p.draw(n, pair[0].data(), pair[1].data());
    }
    const uint64_t *x = op.x.data();
    switch (p.self()) {
    case 0: {
      // rho = d[0][0], w0 = d[1][0], w1 = d[2][0], w'0 = d[0][1], w'1 = d[1][1]
      Words u = Words::uninit(n);
      p.drawPrivate(n, u.data());
      toNext_ = Words::uninit(3 * n), toPrev_ = Words::uninit(2 * n);
      const uint64_t bias = uint64_t(1) << 62, shiftedBias = uint64_t(1) << (62 - f);
      for (size_t i = 0; i < n; ++i) {
        const uint64_t a = x[i] + x[n + i] + bias, ma = a >> 63;
        const uint64_t A = (a >> f) + 1 - shiftedBias - K * ma;
        const uint64_t rho = d[0][0][i];
        toNext_[i] = A - u[i] - rho;                     // z_1, for party 1
        toNext_[n + i] = u[i] + d[1][0][i];              // msg_0 + w_0
        toNext_[2 * n + i] = u[i] + K * ma + d[2][0][i]; // msg_1 + w_1
        toPrev_[i] = u[i] + d[0][1][i];                  // msg_0 + w'_0
        toPrev_[n + i] = u[i] + K * ma + d[1][1][i];     // msg_1 + w'_1
        out_[i] = rho;                                   // z_0
        out_[n + i] = toNext_[i];                        // z_1
      }
      break;
    }
    case 1: // planes (x_1, x_2); w'_0, w'_1 = d[0][0], d[1][0]
      helperOut_ = Words::uninit(n);
      B_ = Words::uninit(n), mb_ = Words::uninit(n);
      for (size_t i = 0; i < n; ++i) {
        const uint64_t b = x[n + i];
        mb_[i] = b >> 63;
        B_[i] = (b >> f) - K * mb_[i];
        helperOut_[i] = mb_[i] ? d[1][0][i] : d[0][0][i];
      }
      break;
    case 2: // planes (x_2, x_0); rho, w_0, w_1 = d[0][1], d[1][1], d[2][1]
      helperOut_ = Words::uninit(n);
      B_ = Words::uninit(n), mb_ = Words::uninit(n);
      rho_ = std::move(d[0][1]);
      for (size_t i = 0; i < n; ++i) {
        const uint64_t b = x[i];
        mb_[i] = b >> 63;
        B_[i] = (b >> f) - K * mb_[i];
        helperOut_[i] = mb_[i] ? d[2][1][i] : d[1][1][i];
      }
      break;
    }
  }

  void send(Exchange &ex) override {
    if (p_.self() == 0) {
      ex.put(1, toNext_.span());
      ex.put(2, toPrev_.span());
    } else {
      ex.put(p_.self() == 1 ? 2 : 1, helperOut_.span());
    }
  }

  void receive(Exchange &ex) override {
    const size_t n = n_;
    if (p_.self() == 1) {
      auto fromP0 = ex.take(0, 3 * n);
      auto sel = ex.take(2, n); // w_{m_b}
      for (size_t i = 0; i < n; ++i) {
        const uint64_t v = fromP0[(mb_[i] ? 2 : 1) * n + i] - sel[i]; // u + K ma mb
        out_[i] = fromP0[i];                                          // z_1
        out_[n + i] = B_[i] + v;                                      // z_2
      }
    } else if (p_.self() == 2) {
      auto fromP0 = ex.take(0, 2 * n);
      auto sel = ex.take(1, n); // w'_{m_b}
      for (size_t i = 0; i < n; ++i) {
        const uint64_t v = fromP0[(mb_[i] ? 1 : 0) * n + i] - sel[i];
        out_[i] = B_[i] + v;   // z_2
        out_[n + i] = rho_[i]; // z_0
      }
    }
    done_ = true;
  }

private:
  Rep3 &p_;
  std::span<uint64_t> out_;
  size_t n_;
  uint32_t f_;
  Words toNext_, toPrev_, helperOut_, B_, mb_, rho_;
};

/// daBits: the bit d = d_0 ^ d_1 ^ d_2 with d_k drawn from slot k's stream
/// is boolean-shared at once (slot k = d_k). Its ring value needs two
/// products: e = d_0 + d_1 - 2 d_0 d_1, then d = e + d_2 - 2 e d_2, where
/// [d_k] puts d_k in slot k. Two rounds, which run beside the first rounds
/// of a comparison.
class DaBitTask final : public Task {
public:
  DaBitTask(Rep3 &p, size_t n, Words &arith, Words &bits)
      : p_(p), n_(n), arith_(arith), bits_(bits) {
    const size_t W = protocols::wordsFor(n);
    bits_ = Words(2 * W);
    p.draw(W, bits_.data(), bits_.data() + W);
    // Slot k's bits arithmetic: the holders of slot k are k (first plane)
    // and k-1 (second plane).
    for (uint32_t k = 0; k < 3; ++k)
      slot_[k] = Words(2 * n);
    const uint32_t me = p.self();
    for (size_t i = 0; i < n; ++i) {
      const uint64_t mine = (bits_[i / 64] >> (i % 64)) & 1;
      const uint64_t nextBit = (bits_[W + i / 64] >> (i % 64)) & 1;
      slot_[me][i] = mine;                  // slot me, first plane
      slot_[(me + 1) % 3][n + i] = nextBit; // slot me+1, second plane
    }
    prod_ = Words(2 * n);
    step_ = p.mul(slot_[0].span(), slot_[1].span(), prod_.span(), n);
  }
  void send(Exchange &ex) override { step_->send(ex); }
  void receive(Exchange &ex) override {
    step_->receive(ex);
    if (round_ == 0) {
      e_ = Words(2 * n_);
      for (size_t i = 0; i < 2 * n_; ++i)
        e_[i] = slot_[0][i] + slot_[1][i] - 2 * prod_[i];
      step_ = p_.mul(e_.span(), slot_[2].span(), prod_.span(), n_);
      round_ = 1;
      return;
    }
    arith_ = Words(2 * n_);
    for (size_t i = 0; i < 2 * n_; ++i)
      arith_[i] = e_[i] + slot_[2][i] - 2 * prod_[i];
    step_.reset();
    done_ = true;
  }

private:
  Rep3 &p_;
  size_t n_;
  Words &arith_, &bits_;
  Words slot_[3], prod_, e_;
  std::unique_ptr<Step> step_;
  int round_ = 0;
};

} // namespace

std::unique_ptr<Task> Rep3::trunc(vm::InteractiveOp &op) {
  return std::make_unique<TruncTask>(*this, op);
}

std::unique_ptr<Task> Rep3::daBits(size_t n, Words &arith, Words &bits) {
  return std::make_unique<DaBitTask>(*this, n, arith, bits);
}

} // namespace smpc::rep3

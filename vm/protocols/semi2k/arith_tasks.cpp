//===- arith_tasks.cpp - Beaver multiplication, matrix product, truncation ===//
#include "vm/core/errors.h"
#include "vm/protocols/common/ring.h"
#include "vm/protocols/semi2k/task.h"

#include <string>

namespace smpc::semi2k {

namespace {

/// z = x * y with a Beaver triple (a, b, c): open d = x - a, e = y - b, then
/// z = c + d*b + e*a (+ d*e on party 0).
class MulTask final : public Task {
public:
  MulTask(vm::InteractiveOp &op, Context &ctx)
      : op_(op), ctx_(ctx), a_(Words::uninit(op.out.size())), b_(Words::uninit(op.out.size())),
        c_(Words::uninit(op.out.size())), de_(Words::uninit(2 * op.out.size())) {
    const size_t n = op.out.size();
    ctx.pre.triples(a_.span(), b_.span(), c_.span());
    for (size_t i = 0; i < n; ++i) {
      de_[i] = op.x[i] - a_[i];
      de_[n + i] = op.y[i] - b_[i];
    }
  }
  void send(Exchange &ex) override { ex.putAll(de_.span()); }
  void receive(Exchange &ex) override {
    const size_t n = op_.out.size();
    sumOpenedInPlace(ex, de_.span()); // de_ was sent already: open in place
    const bool p0 = ctx_.leader();
    for (size_t i = 0; i < n; ++i) {
      const uint64_t d = de_[i], e = de_[n + i];
      op_.out[i] = c_[i] + d * b_[i] + e * a_[i] + (p0 ? d * e : 0);
    }
    done_ = true;
  }

private:
  vm::InteractiveOp &op_;
  Context &ctx_;
  Words a_, b_, c_, de_;
};

/// Z = X @ Y with a matrix triple: open E = X - A and F = Y - B, then
/// Z = C + E@B + A@F (+ E@F on party 0). Traffic is O(mk + kn), not O(mkn).
class MatMulTask final : public Task {
public:
  MatMulTask(vm::InteractiveOp &op, Context &ctx)
      : op_(op), ctx_(ctx), mk_(uint64_t(op.m) * op.k), kn_(uint64_t(op.k) * op.n), a_(mk_),
        b_(kn_), c_(uint64_t(op.m) * op.n), ef_(mk_ + kn_) {
    ctx.pre.matrixTriple(op.m, op.k, op.n, a_.span(), b_.span(), c_.span());
    for (size_t i = 0; i < mk_; ++i)
      ef_[i] = op.x[i] - a_[i];
    for (size_t i = 0; i < kn_; ++i)
      ef_[mk_ + i] = op.y[i] - b_[i];
  }
  void send(Exchange &ex) override { ex.putAll(ef_.span()); }
  void receive(Exchange &ex) override {
    sumOpenedInPlace(ex, ef_.span());
    const uint64_t *e = ef_.data(), *f = ef_.data() + mk_;
    std::copy(c_.data(), c_.data() + c_.size(), op_.out.begin());
    uint64_t *z = op_.out.data();
    protocols::matmulAdd(e, b_.data(), z, op_.m, op_.k, op_.n);
    protocols::matmulAdd(a_.data(), f, z, op_.m, op_.k, op_.n);
    if (ctx_.leader()) protocols::matmulAdd(e, f, z, op_.m, op_.k, op_.n);
    done_ = true;
  }

private:
  vm::InteractiveOp &op_;
  Context &ctx_;
  uint64_t mk_, kn_;
  Words a_, b_, c_, ef_;
};

/// Probabilistic truncation by f bits for |x| < 2^62 (docs/protocols.md):
/// x' = x + 2^62 in [0, 2^63); open c = x' + r; with c' = c mod 2^63 and
/// b = msb(c) XOR msb(r) (the carry out of bit 62),
/// floor(x / 2^f) + {0 or 1} = (c' >> f) - high + b * 2^(63-f) - 2^(62-f).
class TruncTask final : public Task {
public:
  TruncTask(vm::InteractiveOp &op, Context &ctx)
      : op_(op), ctx_(ctx), r_(Words::uninit(op.out.size())), msb_(Words::uninit(op.out.size())),
        high_(Words::uninit(op.out.size())), c_(Words::uninit(op.out.size())) {
    const size_t n = op.out.size();
    ctx.pre.truncPairs(op.shift, r_.span(), msb_.span(), high_.span());
    const uint64_t bias = ctx.leader() ? uint64_t(1) << 62 : 0;
    for (size_t i = 0; i < n; ++i)
      c_[i] = op.x[i] + bias + r_[i];
  }
  void send(Exchange &ex) override { ex.putAll(c_.span()); }
  void receive(Exchange &ex) override {
    const size_t n = op_.out.size();
    const uint32_t f = op_.shift;
    Words &c = c_;
    sumOpenedInPlace(ex, c_.span());
    const bool p0 = ctx_.leader();
    const uint64_t low63 = ~(uint64_t(1) << 63);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t cm = c[i] >> 63;
      // b = cm XOR msb, arithmetically: cm + msb - 2 cm msb (cm is public).
      const uint64_t b = (p0 ? cm : 0) + msb_[i] * (1 - 2 * cm);
      const uint64_t pub = p0 ? ((c[i] & low63) >> f) - (uint64_t(1) << (62 - f)) : 0;
      op_.out[i] = pub - high_[i] + (b << (63 - f));
    }
    done_ = true;
  }

private:
  vm::InteractiveOp &op_;
  Context &ctx_;
  Words r_, msb_, high_, c_;
};

void checkLen(bool ok, const char *what) {
  if (!ok) throw vm::ProtocolError(std::string(what) + ": operand lengths do not match");
}

} // namespace

std::unique_ptr<Task> makeMulTask(vm::InteractiveOp &op, Context &ctx) {
  checkLen(op.x.size() == op.out.size() && op.y.size() == op.out.size(), "mul.ss");
  return std::make_unique<MulTask>(op, ctx);
}

std::unique_ptr<Task> makeMatMulTask(vm::InteractiveOp &op, Context &ctx) {
  if (!op.m || !op.k || !op.n)
    throw vm::ProtocolError("matmul.ss: matrix dimensions must be positive");
  checkLen(op.x.size() == uint64_t(op.m) * op.k && op.y.size() == uint64_t(op.k) * op.n &&
               op.out.size() == uint64_t(op.m) * op.n,
           "matmul.ss");
  return std::make_unique<MatMulTask>(op, ctx);
}

std::unique_ptr<Task> makeTruncTask(vm::InteractiveOp &op, Context &ctx) {
  checkLen(op.x.size() == op.out.size(), "trunc.s");
  if (op.shift < 1 || op.shift > 62)
    throw vm::ProtocolError("trunc.s: shift must be between 1 and 62, got " +
                            std::to_string(op.shift));
  return std::make_unique<TruncTask>(op, ctx);
}

} // namespace smpc::semi2k

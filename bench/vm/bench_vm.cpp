//===- bench_vm.cpp - interpreter throughput under the clear protocol -----===//
//
// Prints `name value unit` lines: elements per second of 10^6-element vector
// instructions, and nanoseconds per instruction of a loop of length-1
// instructions (the interpreter's own overhead). Not a test: no assertions.
//===----------------------------------------------------------------------===//
#include "vm/bytecode/builder.h"
#include "vm/bytecode/serialize.h"
#include "vm/core/machine.h"
#include "vm/protocols/clear/clear.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>

using namespace smpc;
using bc::Op;

namespace {

constexpr uint32_t kN = 1000000;
constexpr int kReps = 50;

double seconds(const bc::Program &p) {
  if (std::string err = bc::verifyProgram(p); !err.empty()) {
    std::fprintf(stderr, "bench program invalid: %s\n", err.c_str());
    std::exit(1);
  }
  // Best of 5: the machine is shared, the minimum is the least disturbed run.
  double best = 1e30;
  for (int k = 0; k < 5; ++k) {
    vm::ClearProtocol proto;
    auto t0 = std::chrono::steady_clock::now();
    vm::run(p, proto, {});
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

// Two secret vectors of length n, then `body`
// emitted kReps times; returns elements per second of the body alone.
double
vectorRate(const char *name, uint32_t n,
           const std::function<void(bc::ProgramBuilder &, int64_t, int64_t, int64_t)> &body) {
  auto build = [&](int reps) {
    bc::ProgramBuilder b;
    // Broadcast length-1 constants so the set-up is cheap next to the body.
    auto sa = b.sreg(n), sb = b.sreg(n), sr = b.sreg(n);
    b.emit(Op::Classify, {sa, b.pconst({uint64_t(-12345)})});
    b.emit(Op::Classify, {sb, b.pconst({678})});
    for (int i = 0; i < reps; ++i)
      body(b, sr, sa, sb);
    return b.prog;
  };
  double base = seconds(build(0));
  double t = seconds(build(kReps)) - base;
  double rate = double(n) * kReps / t;
  std::printf("%s %.3g elements/s\n", name, rate);
  return rate;
}

} // namespace

int main() {
  vectorRate("add.ss_1e6", kN, [](auto &b, auto r, auto x, auto y) {
    b.emit(Op::AddSS, {r, x, y});
  });
  vectorRate("mul.sp_1e6", kN, [](auto &b, auto r, auto x, auto y) {
    b.emit(Op::MulSP, {r, x, b.pconst({3})});
  });
  vectorRate("mul.ss_1e6", kN, [](auto &b, auto r, auto x, auto y) {
    b.emit(Op::MulSS, {r, x, y});
  });
  vectorRate("trunc.s_1e6", kN, [](auto &b, auto r, auto x, auto y) {
    b.emit(Op::TruncS, {r, x, 16});
  });
  vectorRate("ltz.s_1e6", kN, [](auto &b, auto r, auto x, auto y) { b.emit(Op::LtzS, {r, x}); });
  vectorRate("slice.s_1e6", kN, [](auto &b, auto r, auto x, auto y) {
    b.emit(Op::SliceS, {r, x, 0, 1000, 1000, 1});
  });

  // matmul.ss: 1000x1000 matrix (10^6 elements) times a 1000x1 vector.
  {
    bc::ProgramBuilder b;
    auto m = b.sreg(kN), v = b.sreg(1000), r = b.sreg(1000);
    b.emit(Op::Classify, {m, b.pconst(std::vector<uint64_t>(kN, 7))});
    b.emit(Op::Classify, {v, b.pconst(std::vector<uint64_t>(1000, 3))});
    double base = seconds(b.prog);
    for (int i = 0; i < kReps; ++i)
      b.emit(Op::MatMulSS, {r, m, v, 1000, 1000, 1});
    double t = seconds(b.prog) - base;
    std::printf("matmul.ss_1000x1000x1 %.3g elements/s\n", double(kN) * kReps / t);
  }
  // matmul.ss 100x100 @ 100x100: 10^6 multiply-adds.
  {
    bc::ProgramBuilder b;
    auto x = b.sreg(10000), y = b.sreg(10000), r = b.sreg(10000);
    b.emit(Op::Classify, {x, b.pconst(std::vector<uint64_t>(10000, 5))});
    b.emit(Op::Classify, {y, b.pconst(std::vector<uint64_t>(10000, 9))});
    double base = seconds(b.prog);
    for (int i = 0; i < kReps; ++i)
      b.emit(Op::MatMulSS, {r, x, y, 100, 100, 100});
    double t = seconds(b.prog) - base;
    std::printf("matmul.ss_100x100x100 %.3g multiply-adds/s\n", 1e6 * kReps / t);
  }

  // Interpreter overhead: a loop of 10^6 iterations, 4 length-1 instructions each.
  {
    bc::ProgramBuilder b;
    auto i = b.pconst({0}), one = b.pconst({1}), lim = b.pconst({kN}), c = b.preg();
    auto s = b.sreg(), t = b.sreg();
    size_t top = b.here();
    b.emit(Op::AddSS, {s, s, t});
    b.emit(Op::AddP, {i, i, one});
    b.emit(Op::LtP, {c, i, lim});
    b.emit(Op::Jnz, {c, int64_t(top)});
    double t0 = seconds(b.prog);
    std::printf("dispatch_overhead %.3g ns/instruction\n", t0 * 1e9 / (4.0 * kN));
  }
  // The same loop with one interactive op per iteration (mul.ss, length 1):
  // the per-group cost of handing work to a protocol.
  {
    bc::ProgramBuilder b;
    auto i = b.pconst({0}), one = b.pconst({1}), lim = b.pconst({kN}), c = b.preg();
    auto s = b.sreg(), t = b.sreg(), u = b.sreg();
    size_t top = b.here();
    b.emit(Op::MulSS, {u, s, t});
    b.emit(Op::AddP, {i, i, one});
    b.emit(Op::LtP, {c, i, lim});
    b.emit(Op::Jnz, {c, int64_t(top)});
    double t0 = seconds(b.prog);
    std::printf("interactive_overhead %.3g ns/iteration\n", t0 * 1e9 / kN);
  }
  return 0;
}

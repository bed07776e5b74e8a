//===- samples.h - small valid programs shared by bytecode/vm/cli tests ---===//
#pragma once

#include "vm/bytecode/builder.h"

#include <cmath>

namespace smpc::testing {

using bc::ElemType;
using bc::Op;

inline uint64_t fx(double v, int f = 16) {
  return uint64_t(int64_t(std::llround(v * (1 << f))));
}

/// Pooled mean of a (party 0) and b (party 1), both sfix[n]; how many of
/// the pooled values are below the mean (to party 0); the mean to all.
inline bc::Program statsProgram(uint32_t n) {
  bc::ProgramBuilder b;
  auto ia = b.input("a", ElemType::Fix, 0, n, 1, 1);
  auto ib = b.input("b", ElemType::Fix, 1, n, 1, 1);
  auto omean = b.output("mean", ElemType::Fix);
  auto obelow = b.output("below", ElemType::Int, 1, 1, {0});
  auto sa = b.sreg(n), sb = b.sreg(n), all = b.sreg(2 * n);
  b.emit(Op::Round, {2}, 7, 3);
  b.emit(Op::Input, {sa, ia}, 7, 3);
  b.emit(Op::Input, {sb, ib}, 8, 3);
  b.emit(Op::StoreS, {all, sa, 0, 1, 1, 0}, 10, 13);
  b.emit(Op::StoreS, {all, sb, n, 1, 1, 0}, 10, 13);
  auto total = b.sreg(1), mean = b.sreg(1), scaled = b.sreg(1);
  b.emit(Op::SumS, {total, all}, 11, 10);
  auto recip = b.pconst({fx(1.0 / (2 * n))});
  b.emit(Op::MulSP, {scaled, total, recip}, 11, 20);
  b.emit(Op::TruncS, {mean, scaled, 16}, 11, 20);
  auto diff = b.sreg(2 * n), lt = b.sreg(2 * n), cnt = b.sreg(1);
  b.emit(Op::SubSS, {diff, all, mean}, 12, 5);
  b.emit(Op::LtzS, {lt, diff}, 12, 5);
  b.emit(Op::SumS, {cnt, lt}, 12, 5);
  b.emit(Op::Round, {2}, 13, 3);
  b.emit(Op::OutputS, {mean, omean}, 13, 3);
  b.emit(Op::OutputS, {cnt, obelow}, 14, 3);
  return b.prog;
}

/// Sum of 0..k-1 with a public loop (jumps), times a secret input x.
inline bc::Program loopProgram(int64_t k) {
  bc::ProgramBuilder b;
  auto ix = b.input("x", ElemType::Int, 0);
  auto out = b.output("r", ElemType::Int);
  auto x = b.sreg(), r = b.sreg();
  b.emit(Op::Input, {x, ix}, 2, 1);
  auto i = b.pconst({0}), acc = b.pconst({0}), one = b.pconst({1}), lim = b.pconst({uint64_t(k)});
  auto c = b.preg();
  size_t top = b.here();
  b.emit(Op::LtP, {c, i, lim}, 4, 3);
  size_t jz = b.emit(Op::Jz, {c, 0}, 4, 3);
  b.emit(Op::AddP, {acc, acc, i}, 5, 5);
  b.emit(Op::AddP, {i, i, one}, 4, 3);
  b.emit(Op::Jmp, {int64_t(top)}, 4, 3);
  b.prog.code[jz].a[1] = int64_t(b.here());
  b.emit(Op::MulSP, {r, x, acc}, 7, 3);
  b.emit(Op::OutputS, {r, out}, 7, 3);
  return b.prog;
}

/// A (2x3, party 0) @ B (3x2, party 1), public result matrix to all.
inline bc::Program matmulProgram() {
  bc::ProgramBuilder b;
  auto ia = b.input("A", ElemType::Int, 0, 2, 3);
  auto ib = b.input("B", ElemType::Int, 1, 3, 2);
  auto out = b.output("C", ElemType::Int, 2, 2);
  auto sa = b.sreg(6), sb = b.sreg(6), sc = b.sreg(4);
  b.emit(Op::Input, {sa, ia}, 1, 1);
  b.emit(Op::Input, {sb, ib}, 2, 1);
  b.emit(Op::MatMulSS, {sc, sa, sb, 2, 3, 2}, 3, 9);
  auto pc = b.preg(4);
  b.emit(Op::Open, {pc, sc}, 4, 1);
  b.emit(Op::OutputP, {pc, out}, 4, 1);
  return b.prog;
}

} // namespace smpc::testing

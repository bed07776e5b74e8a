//===- machine.cpp - the dispatch loop: one case per opcode ---------------===//
//
// Each case decodes its operands and calls a named helper (local_ops.h) or
// hands interactive work to the protocol (interactive.cpp). The program has
// been verified, so register indices, static bounds and lengths are valid.
//===----------------------------------------------------------------------===//
#include "vm/bytecode/public_arith.h"
#include "vm/core/local_ops.h"
#include "vm/core/state.h"

#include <algorithm>
#include <sodium.h>

namespace smpc::vm {

namespace detail {

std::string located(const State &st, const std::string &msg) {
  std::string where;
  const bc::Program &p = st.prog;
  if (st.pc < p.srcmap.size() && p.srcmap[st.pc].line != 0) {
    const bc::SourceLoc &l = p.srcmap[st.pc];
    where = p.files[l.file] + ":" + std::to_string(l.line) + ":" + std::to_string(l.col) + ": ";
  }
  return where + msg + " (instruction " + std::to_string(st.pc) + ")";
}

void fail(const State &st, const std::string &msg) {
  throw RuntimeError(located(st, msg));
}

} // namespace detail

namespace {

using namespace detail;

// Zeroes every register when the run ends, however it ends.
struct Wipe {
  State &st;
  ~Wipe() {
    for (auto *bank : {&st.s, &st.p})
      for (Reg &r : *bank)
        sodium_memzero(r.data(), r.size() * sizeof(uint64_t));
  }
};

uint64_t checkedDivisor(const State &st, uint64_t c, const char *what) {
  if (c == 0) fail(st, std::string(what) + " by zero");
  return c;
}

void divide(State &st, Reg &dst, const Reg &a, const Reg &b) {
  for (uint64_t c : b)
    checkedDivisor(st, c, "division");
  map2(dst, a, b, [](uint64_t x, uint64_t y) { return *bc::arith::div(x, y); });
}

void modulo(State &st, Reg &dst, const Reg &a, const Reg &b) {
  for (uint64_t c : b)
    checkedDivisor(st, c, "remainder");
  map2(dst, a, b, [](uint64_t x, uint64_t y) { return *bc::arith::rem(x, y); });
}

void fixDivide(State &st, Reg &dst, const Reg &a, const Reg &b) {
  for (uint64_t c : b)
    checkedDivisor(st, c, "fixed-point division");
  const unsigned f = st.prog.fracBits;
  map2(dst, a, b, [f](uint64_t x, uint64_t y) { return *bc::arith::fixDiv(x, y, f); });
}

// Offset of a dynamic slice/store from its length-1 public register.
int64_t dynOffset(const State &st, const bc::Instr &in) {
  return int64_t(st.p[in.a[2]][0]);
}

void dynBoundsCheck(State &st, int64_t off, uint64_t denseLen, const bc::Instr &in, uint64_t len) {
  if (!patternInBounds(off, denseLen, in.a[3], in.a[4], in.a[5], len))
    fail(st, "index " + std::to_string(off) + " is out of bounds for a vector of length " +
                 std::to_string(len));
}

void addPublicTo(State &st, Reg &dst, const Reg &s, const Reg &p) {
  Reg sb, pb;
  const size_t n = st.slen(dst);
  const Reg &sv = broadcastW(s, n, st.w, sb);
  const Reg &pv = broadcast(p, n, pb);
  if (&sv == &dst) {
    Reg tmp(dst.size());
    st.proto.addPublic(sv, pv, tmp);
    dst.swap(tmp);
    wipe(tmp);
  } else {
    st.proto.addPublic(sv, pv, dst);
  }
  wipe(sb);
}

// dst row r := src row idx[r] (rows of w elements) in each of `planes`
// planes (a secret register's share words); every index checked.
void gatherRows(State &st, Reg &dst, const Reg &src, const Reg &idx, uint64_t w,
                uint32_t planes = 1) {
  const uint64_t srcPlane = src.size() / planes, dstPlane = dst.size() / planes;
  const uint64_t rows = srcPlane / w;
  for (uint64_t r : idx)
    if (r >= rows)
      fail(st, "index " + std::to_string(int64_t(r)) + " is out of bounds for " +
                   std::to_string(rows) + " rows");
  Reg out(dst.size());
  for (uint32_t j = 0; j < planes; ++j)
    for (size_t i = 0; i < idx.size(); ++i)
      std::copy_n(src.begin() + j * srcPlane + idx[i] * w, w, out.begin() + j * dstPlane + i * w);
  dst.swap(out);
  wipe(out);
}

// dst row idx[r] := src row r in each plane; idx must be a permutation of
// the rows, so every row of dst is written exactly once.
void scatterRows(State &st, Reg &dst, const Reg &src, const Reg &idx, uint64_t w,
                 uint32_t planes = 1) {
  const uint64_t rows = idx.size(), plane = src.size() / planes;
  std::vector<bool> seen(rows, false);
  for (uint64_t r : idx) {
    if (r >= rows)
      fail(st, "index " + std::to_string(int64_t(r)) + " is out of bounds for " +
                   std::to_string(rows) + " rows");
    if (seen[r])
      fail(st, "index " + std::to_string(r) + " appears twice; a scatter needs a permutation");
    seen[r] = true;
  }
  Reg out(dst.size());
  for (uint32_t j = 0; j < planes; ++j)
    for (size_t i = 0; i < rows; ++i)
      std::copy_n(src.begin() + j * plane + i * w, w, out.begin() + j * plane + idx[i] * w);
  dst.swap(out);
  wipe(out);
}

void receivePublicOutput(State &st, uint32_t idx, const Reg &v) {
  const bc::IoEntry &e = st.prog.outputs[idx];
  const uint32_t me = st.proto.partyId();
  bool mine = e.recipients.empty() || st.proto.numParties() == 1 || st.allOutputs;
  for (uint32_t r : e.recipients)
    mine = mine || r == me;
  if (mine) st.outputs[idx] = v;
}

// Runs the program. Planar = false fixes the share width at 1: clear and
// semi2k get the plain helpers with no width checks at all.
template <bool Planar>
std::vector<OutputValue> runWith(const bc::Program &prog, Protocol &proto,
                                 const InputValues &inputs, const RunOptions &opts,
                                 uint32_t width) {
  State st{prog, proto, inputs, {}, {}, width, {}, 0, opts.allOutputs, &opts, {}};
  const uint32_t w = Planar ? width : 1;
  st.s.reserve(prog.sregLen.size());
  for (uint32_t l : prog.sregLen)
    st.s.emplace_back(size_t(l) * w, 0);
  st.p.reserve(prog.pregLen.size());
  for (uint32_t l : prog.pregLen)
    st.p.emplace_back(l, 0);
  st.outputs.resize(prog.outputs.size());
  Wipe wiper{st};
  auto &S = st.s;
  auto &P = st.p;
  const size_t end = prog.code.size();
  uint64_t steps = 0;
  Reg scratch;
  auto slen = [&](const Reg &r) { return Planar ? r.size() / w : r.size(); };

  while (st.pc < end) {
    const bc::Instr &in = prog.code[st.pc];
    const auto &a = in.a;
    if (opts.maxSteps && ++steps > opts.maxSteps)
      fail(st, "step limit of " + std::to_string(opts.maxSteps) + " instructions exceeded");
    size_t next = st.pc + 1;
    if (opts.opCounts) ++(*opts.opCounts)[static_cast<unsigned>(in.op)];
    switch (in.op) {
    case bc::Op::LdConst:
      P[a[0]] = prog.consts[a[1]];
      break;
    case bc::Op::MovP:
      map1(P[a[0]], P[a[1]], [](uint64_t x) { return x; });
      break;
    case bc::Op::MovS:
      map1W(S[a[0]], S[a[1]], w, [](uint64_t x) { return x; });
      break;
    case bc::Op::Classify:
      proto.classify(broadcast(P[a[1]], slen(S[a[0]]), scratch), S[a[0]]);
      break;
    case bc::Op::SliceP:
      gather(P[a[0]], P[a[1]], a[2], a[3], a[4], a[5]);
      break;
    case bc::Op::SliceS:
      gather(S[a[0]], S[a[1]], a[2], a[3], a[4], a[5], w);
      break;
    case bc::Op::SliceDynP:
      dynBoundsCheck(st, dynOffset(st, in), P[a[0]].size(), in, P[a[1]].size());
      gather(P[a[0]], P[a[1]], dynOffset(st, in), a[3], a[4], a[5]);
      break;
    case bc::Op::SliceDynS:
      dynBoundsCheck(st, dynOffset(st, in), slen(S[a[0]]), in, slen(S[a[1]]));
      gather(S[a[0]], S[a[1]], dynOffset(st, in), a[3], a[4], a[5], w);
      break;
    case bc::Op::StoreP:
      scatter(P[a[0]], P[a[1]], a[2], a[3], a[4], a[5]);
      break;
    case bc::Op::StoreS:
      scatter(S[a[0]], S[a[1]], a[2], a[3], a[4], a[5], w);
      break;
    case bc::Op::StoreDynP:
      dynBoundsCheck(st, dynOffset(st, in), P[a[1]].size(), in, P[a[0]].size());
      scatter(P[a[0]], P[a[1]], dynOffset(st, in), a[3], a[4], a[5]);
      break;
    case bc::Op::StoreDynS:
      dynBoundsCheck(st, dynOffset(st, in), slen(S[a[1]]), in, slen(S[a[0]]));
      scatter(S[a[0]], S[a[1]], dynOffset(st, in), a[3], a[4], a[5], w);
      break;
    case bc::Op::AddP:
      map2(P[a[0]], P[a[1]], P[a[2]], [](uint64_t x, uint64_t y) { return bc::arith::add(x, y); });
      break;
    case bc::Op::SubP:
      map2(P[a[0]], P[a[1]], P[a[2]], [](uint64_t x, uint64_t y) { return bc::arith::sub(x, y); });
      break;
    case bc::Op::MulP:
      map2(P[a[0]], P[a[1]], P[a[2]], [](uint64_t x, uint64_t y) { return bc::arith::mul(x, y); });
      break;
    case bc::Op::NegP:
      map1(P[a[0]], P[a[1]], [](uint64_t x) { return bc::arith::neg(x); });
      break;
    case bc::Op::DivP:
      divide(st, P[a[0]], P[a[1]], P[a[2]]);
      break;
    case bc::Op::ModP:
      modulo(st, P[a[0]], P[a[1]], P[a[2]]);
      break;
    case bc::Op::FDivP:
      fixDivide(st, P[a[0]], P[a[1]], P[a[2]]);
      break;
    case bc::Op::ShlP: {
      const unsigned k = unsigned(a[2]);
      map1(P[a[0]], P[a[1]], [k](uint64_t x) { return bc::arith::shl(x, k); });
      break;
    }
    case bc::Op::ShrP: {
      const unsigned k = unsigned(a[2]);
      map1(P[a[0]], P[a[1]], [k](uint64_t x) { return bc::arith::shr(x, k); });
      break;
    }
    case bc::Op::LtP:
      map2(P[a[0]], P[a[1]], P[a[2]], [](uint64_t x, uint64_t y) { return bc::arith::lt(x, y); });
      break;
    case bc::Op::EqP:
      map2(P[a[0]], P[a[1]], P[a[2]], [](uint64_t x, uint64_t y) { return bc::arith::eq(x, y); });
      break;
    case bc::Op::SumP:
      sumGroups(P[a[0]], P[a[1]]);
      break;
    case bc::Op::MatMulP:
      matmul(P[a[0]], P[a[1]], P[a[2]], uint32_t(a[3]), uint32_t(a[4]), uint32_t(a[5]));
      break;
    case bc::Op::AddSS:
      map2W(S[a[0]], S[a[1]], S[a[2]], w, [](uint64_t x, uint64_t y) { return x + y; });
      break;
    case bc::Op::AddSP:
      addPublicTo(st, S[a[0]], S[a[1]], P[a[2]]);
      break;
    case bc::Op::SubSS:
      map2W(S[a[0]], S[a[1]], S[a[2]], w, [](uint64_t x, uint64_t y) { return x - y; });
      break;
    case bc::Op::SubSP: {
      Reg neg(P[a[2]].size());
      map1(neg, P[a[2]], [](uint64_t x) { return uint64_t(0) - x; });
      addPublicTo(st, S[a[0]], S[a[1]], neg);
      break;
    }
    case bc::Op::SubPS: {
      Reg neg(S[a[2]].size());
      map1W(neg, S[a[2]], w, [](uint64_t x) { return uint64_t(0) - x; });
      addPublicTo(st, S[a[0]], neg, P[a[1]]);
      wipe(neg);
      break;
    }
    case bc::Op::NegS:
      map1W(S[a[0]], S[a[1]], w, [](uint64_t x) { return uint64_t(0) - x; });
      break;
    case bc::Op::MulSP: // a public value is a constant of the share ring: plane by plane
      map2SP(S[a[0]], S[a[1]], P[a[2]], w, [](uint64_t x, uint64_t y) { return x * y; });
      break;
    case bc::Op::SumS:
      sumGroups(S[a[0]], S[a[1]]);
      break;
    case bc::Op::MatMulSP:
      matmul(S[a[0]], S[a[1]], P[a[2]], uint32_t(a[3]), uint32_t(a[4]), uint32_t(a[5]), w, 1);
      break;
    case bc::Op::MatMulPS:
      matmul(S[a[0]], P[a[1]], S[a[2]], uint32_t(a[3]), uint32_t(a[4]), uint32_t(a[5]), 1, w);
      break;
    case bc::Op::MulSS:
    case bc::Op::TruncS:
    case bc::Op::MatMulSS:
    case bc::Op::LtzS:
    case bc::Op::EqzS:
    case bc::Op::Open:
    case bc::Op::Input:
    case bc::Op::OutputS:
    case bc::Op::ShuffleS:
    case bc::Op::BitS:
      runInteractive(st, st.pc, 1);
      break;
    case bc::Op::CumSumP:
      prefixSums(P[a[0]], P[a[1]], uint64_t(a[2]));
      break;
    case bc::Op::CumSumS:
      prefixSums(S[a[0]], S[a[1]], uint64_t(a[2]));
      break;
    case bc::Op::GatherP:
      gatherRows(st, P[a[0]], P[a[1]], P[a[2]], uint64_t(a[3]));
      break;
    case bc::Op::GatherS:
      gatherRows(st, S[a[0]], S[a[1]], P[a[2]], uint64_t(a[3]), w);
      break;
    case bc::Op::ScatterP:
      scatterRows(st, P[a[0]], P[a[1]], P[a[2]], uint64_t(a[3]));
      break;
    case bc::Op::ScatterS:
      scatterRows(st, S[a[0]], S[a[1]], P[a[2]], uint64_t(a[3]), w);
      break;
    case bc::Op::OutputP:
      receivePublicOutput(st, uint32_t(a[1]), P[a[0]]);
      break;
    case bc::Op::Jmp:
      next = size_t(a[0]);
      break;
    case bc::Op::Jz:
      if (P[a[0]][0] == 0) next = size_t(a[1]);
      break;
    case bc::Op::Jnz:
      if (P[a[0]][0] != 0) next = size_t(a[1]);
      break;
    case bc::Op::Round:
      if (opts.maxSteps && (steps += uint64_t(a[0])) > opts.maxSteps)
        fail(st, "step limit of " + std::to_string(opts.maxSteps) + " instructions exceeded");
      if (opts.opCounts)
        for (size_t q = st.pc + 1; q <= st.pc + size_t(a[0]); ++q)
          ++(*opts.opCounts)[static_cast<unsigned>(prog.code[q].op)];
      runInteractive(st, st.pc + 1, size_t(a[0]));
      next = st.pc + 1 + size_t(a[0]);
      break;
    }
    st.pc = next;
  }

  std::vector<OutputValue> result;
  for (size_t i = 0; i < prog.outputs.size(); ++i)
    if (st.outputs[i]) result.push_back(OutputValue{prog.outputs[i], std::move(*st.outputs[i])});
  return result;
}

} // namespace

std::vector<OutputValue> run(const bc::Program &prog, Protocol &proto, const InputValues &inputs,
                             const RunOptions &opts) {
  const uint32_t w = proto.shareWidth();
  if (w == 0 || w > kMaxShareWidth)
    throw RuntimeError("protocol '" + std::string(proto.name()) + "' reports a share width of " +
                       std::to_string(w) + "; the VM supports 1 to " +
                       std::to_string(kMaxShareWidth));
  uint64_t words = 0;
  for (uint32_t l : prog.sregLen)
    words += uint64_t(l) * w;
  for (uint32_t l : prog.pregLen)
    words += l;
  if (words > kMaxRegisterWords)
    throw RuntimeError("the program's registers need " + std::to_string(words) +
                       " ring words under protocol '" + std::string(proto.name()) +
                       "', more than the VM's limit of " + std::to_string(kMaxRegisterWords) +
                       "; use a protocol with narrower shares or smaller vectors");
  return w == 1 ? runWith<false>(prog, proto, inputs, opts, 1)
                : runWith<true>(prog, proto, inputs, opts, w);
}

} // namespace smpc::vm

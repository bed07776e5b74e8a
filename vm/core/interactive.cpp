//===- interactive.cpp - turns a round group into InteractiveOps ----------===//
//
// Operands of length 1 are broadcast into scratch buffers (the protocol sees
// equal lengths; secret operands plane by plane); a result that aliases an operand register goes to
// a scratch buffer first, so a protocol may write `out` while reading `x`.
//===----------------------------------------------------------------------===//
#include "vm/core/local_ops.h"
#include "vm/core/state.h"

#include <sodium.h>

namespace smpc::vm::detail {

namespace {

struct Pending {
  InteractiveOp op;
  Vec bx, by, bout;         // scratch: broadcast operands, aliased/opened result
  Reg *dest = nullptr;      // register to copy bout into afterwards (aliasing)
  int64_t outputIndex = -1; // OutputS: output-table entry
  ~Pending() {
    for (Vec *v : {&bx, &by, &bout})
      sodium_memzero(v->data(), v->size() * sizeof(uint64_t));
  }
};

// A secret operand of n elements: w planes, each broadcast if of length 1.
std::span<const Share> operand(const State &st, const Reg &r, size_t n, Vec &scratch) {
  return broadcastW(r, n, st.w, scratch);
}

// Points op.out at `dst`, or at scratch when dst is also read by the op.
void setOut(Pending &pd, Reg &dst, std::initializer_list<const Reg *> reads) {
  for (const Reg *r : reads)
    if (r == &dst) {
      pd.bout.assign(dst.size(), 0);
      pd.op.out = pd.bout;
      pd.dest = &dst;
      return;
    }
  pd.op.out = dst;
}

void prepare(State &st, const bc::Instr &in, Pending &pd) {
  const auto &a = in.a;
  auto &S = st.s;
  InteractiveOp &op = pd.op;
  op.op = in.op;
  switch (in.op) {
  case bc::Op::MulSS:
    op.x = operand(st, S[a[1]], st.slen(S[a[0]]), pd.bx);
    op.y = operand(st, S[a[2]], st.slen(S[a[0]]), pd.by);
    setOut(pd, S[a[0]], {&S[a[1]], &S[a[2]]});
    return;
  case bc::Op::TruncS:
    op.x = operand(st, S[a[1]], st.slen(S[a[0]]), pd.bx);
    op.shift = uint32_t(a[2]);
    setOut(pd, S[a[0]], {&S[a[1]]});
    return;
  case bc::Op::MatMulSS:
    op.x = S[a[1]];
    op.y = S[a[2]];
    op.m = uint32_t(a[3]);
    op.k = uint32_t(a[4]);
    op.n = uint32_t(a[5]);
    setOut(pd, S[a[0]], {&S[a[1]], &S[a[2]]});
    return;
  case bc::Op::LtzS:
  case bc::Op::EqzS:
    op.x = operand(st, S[a[1]], st.slen(S[a[0]]), pd.bx);
    setOut(pd, S[a[0]], {&S[a[1]]});
    return;
  case bc::Op::BitS:
    op.x = operand(st, S[a[1]], st.slen(S[a[0]]), pd.bx);
    op.shift = uint32_t(a[2]);
    setOut(pd, S[a[0]], {&S[a[1]]});
    return;
  case bc::Op::ShuffleS:
    op.x = S[a[1]];
    op.width = uint32_t(a[2]);
    setOut(pd, S[a[0]], {&S[a[1]]});
    return;
  case bc::Op::Open:
    op.x = operand(st, S[a[1]], st.p[a[0]].size(), pd.bx);
    op.out = st.p[a[0]];
    return;
  case bc::Op::Input: {
    const bc::IoEntry &e = st.prog.inputs[a[1]];
    op.owner = e.party;
    op.io = uint32_t(a[1]);
    // Only the owner hands its plaintext to the protocol (a single-party
    // protocol such as clear plays every owner).
    const bool owner = st.proto.partyId() == e.party || st.proto.numParties() == 1;
    auto it = owner ? st.inputs.find(e.name) : st.inputs.end();
    if (it != st.inputs.end()) {
      if (it->second.size() != e.size())
        fail(st, "input '" + e.name + "' has " + std::to_string(it->second.size()) +
                     " values but the program expects " + std::to_string(e.size()));
      op.x = it->second;
    } else if (owner) {
      fail(st, "input '" + e.name + "' (party " + std::to_string(e.party) + ") was not provided");
    }
    setOut(pd, S[a[0]], {});
    return;
  }
  case bc::Op::OutputS: {
    const bc::IoEntry &e = st.prog.outputs[a[1]];
    op.io = uint32_t(a[1]);
    op.x = S[a[0]];
    op.recipients = e.recipients;
    pd.bout.assign(e.size(), 0);
    op.out = pd.bout;
    pd.outputIndex = a[1];
    return;
  }
  // clang-format off
#include "vm/bytecode/noninteractive_cases.inc"
  // clang-format on
  break;
  }
  fail(st, "internal error: a local instruction reached the protocol");
}

// The reference protocol checks what the secure ones would get wrong.
void checkRange(State &st, const InteractiveOp &op) {
  std::string why = st.proto.rangeProblem(op, st.prog.fracBits);
  if (why.empty()) return;
  if (!st.opts || !st.opts->allowOverflow)
    fail(st, why + "; use smaller values or fewer fractional bits, or --allow-overflow to go on "
                   "with a warning");
  if (st.opts->warn && st.warnedPcs.insert(st.pc).second)
    st.opts->warn(located(st, why + "; continuing (--allow-overflow), later occurrences at this "
                                    "instruction are not reported"));
}

} // namespace

void runInteractive(State &st, size_t first, size_t count) {
  // A lone interactive op (the common case outside round groups) needs no
  // heap allocation for its bookkeeping.
  Pending single;
  std::vector<Pending> many(count > 1 ? count : 0);
  Pending *pending = count > 1 ? many.data() : &single;
  InteractiveOp singleOp;
  std::vector<InteractiveOp> manyOps(count > 1 ? count : 0);
  std::span<InteractiveOp> ops = count > 1 ? std::span(manyOps) : std::span(&singleOp, 1);
  const size_t savedPc = st.pc;
  for (size_t i = 0; i < count; ++i) {
    st.pc = first + i;
    prepare(st, st.prog.code[first + i], pending[i]);
  }
  for (size_t i = 0; i < count; ++i) {
    st.pc = first + i;
    checkRange(st, pending[i].op);
  }
  st.pc = savedPc;
  for (size_t i = 0; i < count; ++i)
    ops[i] = std::move(pending[i].op);
  st.proto.runGroup(ops);
  for (size_t i = 0; i < count; ++i) {
    Pending &pd = pending[i];
    if (pd.dest) pd.dest->assign(pd.bout.begin(), pd.bout.end());
    if (pd.outputIndex >= 0 && (ops[i].receives || st.proto.numParties() == 1))
      st.outputs[size_t(pd.outputIndex)] = pd.bout;
  }
}

} // namespace smpc::vm::detail

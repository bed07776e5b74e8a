//===- emit.cpp - structured IR to bytecode --------------------------------===//
//
// Loops become a counter compared with lt.p on every iteration and a
// backward jmp; ifs become jz over the then-branch; while loops test their
// condition at the top. Round groups become `round N` + N instructions.
// Values that change registers at region boundaries (loop-carried values,
// if results) are moved as one parallel copy.
//===----------------------------------------------------------------------===//
#include "compiler/backend/backend.h"
#include "compiler/backend/layout.h"
#include "compiler/backend/regalloc.h"
#include "vm/bytecode/emitter.h"

#include <map>
#include <stdexcept>

namespace smpc::backend {

using namespace ir;

namespace {

class Emitter {
public:
  Emitter(const Module &m, const Function &f, bc::Program &prog)
      : m(m), f(f), prog(prog), alloc(allocateRegisters(f)) {}

  void run() {
    prog.sregLen = alloc.sregLen;
    prog.pregLen = alloc.pregLen;
    if (alloc.one != kNoValue) {
      bc::SourceLoc none;
      emit(bc::Op::LdConst, {preg(alloc.one), constIndex({1})}, none);
    }
    block(f.body, 0);
  }

private:
  const Module &m;
  const Function &f;
  bc::Program &prog;
  bc::Emitter out{prog};
  Allocation alloc;
  std::map<std::vector<uint64_t>, int64_t> constPool;
  std::map<std::pair<bool, uint32_t>, std::vector<uint32_t>> temps; // scratch registers

  int64_t reg(ValueId v) const {
    if (v >= alloc.reg.size() || alloc.reg[v] == kNoReg)
      throw std::logic_error("value %" + std::to_string(v) + " has no register");
    return alloc.reg[v];
  }
  int64_t preg(ValueId v) const { return reg(v); }
  bool secret(ValueId v) const { return v < f.values.size() && f.type(v).isSecret(); }

  int64_t constIndex(const std::vector<uint64_t> &data) {
    auto [it, inserted] = constPool.try_emplace(data, int64_t(prog.consts.size()));
    if (inserted) prog.consts.push_back(data);
    return it->second;
  }

  size_t emit(bc::Op op, std::initializer_list<int64_t> a, const bc::SourceLoc &loc) {
    return out.emit(op, a, loc);
  }

  // Points jump operand `slot` of instruction `at` at the next instruction.
  void patch(size_t at, unsigned slot) { out.patchTarget(at, slot, out.here()); }

  // dst[i] := src[i] for all i at once: sources that a later move would
  // overwrite are saved in scratch registers first.
  void parallelMove(const std::vector<ValueId> &dst, const std::vector<ValueId> &src,
                    size_t srcFrom, const bc::SourceLoc &loc) {
    struct Move {
      bool secret;
      int64_t d, s;
      uint32_t len;
    };
    std::vector<Move> moves;
    for (size_t i = 0; i < dst.size(); ++i) {
      ValueId dv = dst[i], sv = src[srcFrom + i];
      if (reg(dv) != reg(sv)) moves.push_back({secret(dv), reg(dv), reg(sv), f.type(dv).len()});
    }
    std::map<std::pair<bool, uint32_t>, size_t> used;
    for (Move &mv : moves) {
      bool clobbered = false;
      for (const Move &o : moves)
        clobbered |= &o != &mv && o.secret == mv.secret && o.d == mv.s;
      if (!clobbered) continue;
      auto cls = std::make_pair(mv.secret, mv.len);
      auto &pool = temps[cls];
      size_t idx = used[cls]++;
      if (idx == pool.size()) {
        auto &bank = mv.secret ? prog.sregLen : prog.pregLen;
        pool.push_back(uint32_t(bank.size()));
        bank.push_back(mv.len);
      }
      emit(mv.secret ? bc::Op::MovS : bc::Op::MovP, {pool[idx], mv.s}, loc);
      mv.s = pool[idx];
    }
    for (const Move &mv : moves)
      emit(mv.secret ? bc::Op::MovS : bc::Op::MovP, {mv.d, mv.s}, loc);
  }

  static const Inst &term(const Block &b) { return *b.insts.back(); }

  void block(const Block &b, int loopDepth) {
    std::vector<uint32_t> runs = roundRuns(f, b);
    for (size_t i = 0; i < b.insts.size(); ++i) {
      const Inst &in = *b.insts[i];
      if (runs[i] >= 2) emit(bc::Op::Round, {int64_t(runs[i])}, in.loc);
      switch (in.kind) {
      case IrOp::Bc:
        bcInst(in);
        break;
      case IrOp::Const:
        if (loopDepth == 0) // inside loops they were loaded before the loop
          emit(bc::Op::LdConst, {reg(in.results[0]), constIndex(in.constData)}, in.loc);
        break;
      case IrOp::For:
        forLoop(in, loopDepth);
        break;
      case IrOp::If:
        ifElse(in, loopDepth);
        break;
      case IrOp::While:
        whileLoop(in, loopDepth);
        break;
      case IrOp::Call:
        throw std::logic_error("emission needs calls inlined first");
      case IrOp::Return:
      case IrOp::Yield:
      case IrOp::Condition:
        break;
      }
    }
  }

  // Operands in opcodes.def order: the written register is the result, read
  // registers are the IR operands in order, the rest the IR immediates.
  void bcInst(const Inst &in) {
    bc::Instr instr;
    instr.op = in.op;
    if (bc::isStore(in.op) && reg(in.operands[0]) != reg(in.results[0])) {
      // The old vector is still needed: update a copy.
      emit(bc::isSecret(bc::operandKind(in.op, 0)) ? bc::Op::MovS : bc::Op::MovP,
           {reg(in.results[0]), reg(in.operands[0])}, in.loc);
    }
    size_t nextOp = 0, nextImm = 0;
    for (unsigned k = 0; k < bc::numOperands(in.op); ++k) {
      const bc::Operand kind = bc::operandKind(in.op, k);
      if (bc::isWritten(kind)) {
        instr.a[k] = reg(in.results[0]);
        nextOp += bc::isRead(kind); // an in-place store also reads its old vector
      } else if (bc::isRegister(kind)) {
        instr.a[k] = reg(in.operands[nextOp++]);
      } else {
        instr.a[k] = in.imms[nextImm++];
      }
    }
    out.emit(instr, in.loc);
  }

  void hoist(const Inst &loop, int loopDepth) {
    if (loopDepth != 0) return;
    std::vector<const Inst *> consts;
    hoistableConsts(loop, consts);
    for (const Inst *c : consts)
      emit(bc::Op::LdConst, {reg(c->results[0]), constIndex(c->constData)}, c->loc);
  }

  void forLoop(const Inst &in, int loopDepth) {
    hoist(in, loopDepth);
    const Block &body = in.regions[0];
    ValueId ctr = body.args[0];
    emit(bc::Op::MovP, {reg(ctr), reg(in.operands[0])}, in.loc);
    std::vector<ValueId> carried(body.args.begin() + 1, body.args.end());
    parallelMove(carried, in.operands, 2, in.loc);
    size_t head = emit(bc::Op::LtP, {reg(alloc.cmp), reg(ctr), reg(in.operands[1])}, in.loc);
    size_t exit = emit(bc::Op::Jz, {reg(alloc.cmp), 0}, in.loc);
    block(body, loopDepth + 1);
    parallelMove(carried, term(body).operands, 0, term(body).loc);
    emit(bc::Op::AddP, {reg(ctr), reg(ctr), reg(alloc.one)}, in.loc);
    emit(bc::Op::Jmp, {int64_t(head)}, in.loc);
    patch(exit, 1);
    // results share the carried registers (coalesced unconditionally)
  }

  void ifElse(const Inst &in, int loopDepth) {
    size_t toElse = emit(bc::Op::Jz, {reg(in.operands[0]), 0}, in.loc);
    block(in.regions[0], loopDepth);
    parallelMove(in.results, term(in.regions[0]).operands, 0, term(in.regions[0]).loc);
    size_t toEnd = emit(bc::Op::Jmp, {0}, in.loc);
    patch(toElse, 1);
    block(in.regions[1], loopDepth);
    parallelMove(in.results, term(in.regions[1]).operands, 0, term(in.regions[1]).loc);
    patch(toEnd, 0);
  }

  void whileLoop(const Inst &in, int loopDepth) {
    hoist(in, loopDepth);
    const Block &before = in.regions[0], &after = in.regions[1];
    parallelMove(before.args, in.operands, 0, in.loc);
    size_t head = out.here();
    block(before, loopDepth + 1);
    const Inst &cond = term(before);
    parallelMove(after.args, cond.operands, 1, cond.loc);
    size_t exit = emit(bc::Op::Jz, {reg(cond.operands[0]), 0}, cond.loc);
    block(after, loopDepth + 1);
    parallelMove(before.args, term(after).operands, 0, term(after).loc);
    emit(bc::Op::Jmp, {int64_t(head)}, in.loc);
    patch(exit, 1);
  }
};

} // namespace

uint32_t minParties(const Module &m) {
  uint32_t n = 1;
  for (const bc::IoEntry &e : m.inputs)
    n = std::max(n, e.party + 1);
  for (const bc::IoEntry &e : m.outputs)
    for (uint32_t r : e.recipients)
      n = std::max(n, r + 1);
  return n;
}

bc::Program emit(const Module &m) {
  bc::Program prog;
  prog.fracBits = m.fracBits;
  prog.inputs = m.inputs;
  prog.outputs = m.outputs;
  prog.files = m.files;
  prog.minParties = minParties(m);
  const Function &f = m.functions.at(m.mainIndex);
  Emitter(m, f, prog).run();
  Cost c = estimate(m, prog.minParties);
  prog.needs = c.needs;
  return prog;
}

} // namespace smpc::backend

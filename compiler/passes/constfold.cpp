//===- constfold.cpp - fold public operations on constants ----------------===//
//
// Public ring arithmetic on constant operands is computed with the VM's own
// functions (vm/bytecode/public_arith.h). A division by zero stops the
// program at run time, so it is left alone and the error still happens. Also: algebraic identities
// (x + 0, x * 1, x * 0 for public x), `if` with a constant condition, and `for` loops whose
// constant range is empty.
//===----------------------------------------------------------------------===//
#include "compiler/passes/passes.h"
#include "vm/bytecode/public_arith.h"

#include <optional>

namespace smpc::passes {

using namespace ir;

namespace {

using Data = std::vector<uint64_t>;
namespace arith = bc::arith;

class Folder {
public:
  explicit Folder(Function &f) : f(f), constOf(f.values.size(), nullptr) {}

  bool run() {
    block(f.body);
    return changed;
  }

private:
  Function &f;
  ValueMap repl;
  std::vector<const Data *> constOf; // constant value of a value, if known
  bool changed = false;

  const Data *cst(ValueId v) const { return v < constOf.size() ? constOf[v] : nullptr; }

  static bool allEqual(const Data &d, uint64_t x) {
    for (uint64_t e : d)
      if (e != x) return false;
    return true;
  }

  void block(Block &b) {
    std::vector<std::unique_ptr<Inst>> out;
    out.reserve(b.insts.size());
    for (auto &in : b.insts)
      process(std::move(in), out);
    b.insts = std::move(out);
  }

  void process(std::unique_ptr<Inst> in, std::vector<std::unique_ptr<Inst>> &out) {
    repl.rewrite(in->operands);
    if (in->kind == IrOp::If) {
      if (const Data *c = cst(in->operands[0])) {
        // Keep only the branch that runs; its yield gives the results.
        Block &taken = in->regions[(*c)[0] != 0 ? 0 : 1];
        block(taken);
        auto &insts = taken.insts;
        for (size_t i = 0; i + 1 < insts.size(); ++i)
          out.push_back(std::move(insts[i]));
        for (size_t i = 0; i < in->results.size(); ++i)
          repl.set(in->results[i], repl.get(insts.back()->operands[i]));
        changed = true;
        return;
      }
    }
    if (in->kind == IrOp::For) {
      const Data *lo = cst(in->operands[0]), *hi = cst(in->operands[1]);
      if (lo && hi && int64_t((*lo)[0]) >= int64_t((*hi)[0])) {
        for (size_t i = 0; i < in->results.size(); ++i)
          repl.set(in->results[i], in->operands[2 + i]);
        changed = true;
        return;
      }
    }
    for (Block &r : in->regions)
      block(r);
    if (in->kind == IrOp::Bc && fold(*in)) {
      changed = true;
      if (in->kind != IrOp::Const) return; // replaced by an existing value
    }
    if (in->kind == IrOp::Const) {
      if (in->results[0] >= constOf.size()) constOf.resize(in->results[0] + 1, nullptr);
      constOf[in->results[0]] = &in->constData;
    }
    out.push_back(std::move(in));
  }

  // Turns `in` into a Const, or maps its result to an operand (then returns
  // true with in.kind still Bc). Returns false when nothing applies.
  bool fold(Inst &in) {
    if (identity(in)) return true;
    for (bc::Operand k : bc::info(in.op).operands)
      if (bc::isSecret(k) || bc::isInPlace(k))
        return false; // secret or in-place: nothing to compute at compile time
    std::vector<const Data *> ops;
    for (ValueId v : in.operands) {
      ops.push_back(cst(v));
      if (!ops.back()) return false;
    }
    if (in.results.empty()) return false;
    std::optional<Data> r = compute(in, ops, f.type(in.results[0]).len());
    if (!r) return false;
    in.kind = IrOp::Const;
    in.constData = std::move(*r);
    in.operands.clear();
    in.imms.clear();
    return true;
  }

  // x + 0, x - 0, x * 1, x << 0 and friends: the result is an operand.
  bool identity(Inst &in) {
    auto same = [&](ValueId x) { return f.type(x) == f.type(in.results[0]); };
    auto is = [&](size_t k, uint64_t x) {
      const Data *d = cst(in.operands[k]);
      return d && allEqual(*d, x);
    };
    ValueId to = kNoValue;
    switch (in.op) {
    case bc::Op::AddP:
    case bc::Op::AddSP:
    case bc::Op::SubP:
    case bc::Op::SubSP:
      if (is(1, 0))
        to = in.operands[0];
      else if (in.op == bc::Op::AddP && is(0, 0))
        to = in.operands[1];
      break;
    case bc::Op::MulP:
    case bc::Op::MulSP:
      if (is(1, 1))
        to = in.operands[0];
      else if (in.op == bc::Op::MulP && is(0, 1))
        to = in.operands[1];
      else if (in.op == bc::Op::MulP && (is(0, 0) || is(1, 0))) {
        in.kind = IrOp::Const;
        in.constData.assign(f.type(in.results[0]).len(), 0);
        in.operands.clear();
        return true;
      }
      break;
    case bc::Op::ShlP:
    case bc::Op::ShrP:
      if (in.imms[0] == 0) to = in.operands[0];
      break;
    default:
      break;
    }
    if (to == kNoValue || !same(to)) return false;
    repl.set(in.results[0], to);
    return true;
  }

  static uint64_t at(const Data &d, size_t i) { return d.size() == 1 ? d[0] : d[i]; }

  static std::optional<Data> compute(const Inst &in, const std::vector<const Data *> &ops,
                                     size_t len) {
    Data r(len);
    auto elementwise = [&](auto fn) -> std::optional<Data> {
      for (size_t i = 0; i < len; ++i) {
        std::optional<uint64_t> x = fn(i);
        if (!x) return std::nullopt;
        r[i] = *x;
      }
      return r;
    };
    using O = std::optional<uint64_t>;
    switch (in.op) {
    case bc::Op::MovP:
      return elementwise([&](size_t i) -> O { return at(*ops[0], i); });
    case bc::Op::AddP:
      return elementwise([&](size_t i) -> O { return arith::add(at(*ops[0], i), at(*ops[1], i)); });
    case bc::Op::SubP:
      return elementwise([&](size_t i) -> O { return arith::sub(at(*ops[0], i), at(*ops[1], i)); });
    case bc::Op::MulP:
      return elementwise([&](size_t i) -> O { return arith::mul(at(*ops[0], i), at(*ops[1], i)); });
    case bc::Op::NegP:
      return elementwise([&](size_t i) -> O { return arith::neg(at(*ops[0], i)); });
    case bc::Op::DivP:
      return elementwise([&](size_t i) -> O { return arith::div(at(*ops[0], i), at(*ops[1], i)); });
    case bc::Op::ModP:
      return elementwise([&](size_t i) -> O { return arith::rem(at(*ops[0], i), at(*ops[1], i)); });
    case bc::Op::ShlP:
      return elementwise(
          [&](size_t i) -> O { return arith::shl(at(*ops[0], i), unsigned(in.imms[0])); });
    case bc::Op::ShrP:
      return elementwise(
          [&](size_t i) -> O { return arith::shr(at(*ops[0], i), unsigned(in.imms[0])); });
    case bc::Op::LtP:
      return elementwise([&](size_t i) -> O { return arith::lt(at(*ops[0], i), at(*ops[1], i)); });
    case bc::Op::EqP:
      return elementwise([&](size_t i) -> O { return arith::eq(at(*ops[0], i), at(*ops[1], i)); });
    case bc::Op::SumP: {
      size_t group = ops[0]->size() / len;
      for (size_t g = 0; g < len; ++g) {
        uint64_t s = 0;
        for (size_t k = 0; k < group; ++k)
          s += (*ops[0])[g * group + k];
        r[g] = s;
      }
      return r;
    }
    case bc::Op::SliceP: {
      int64_t c0 = in.imms[0], d = in.imms[1], e = in.imms[2], fs = in.imms[3];
      if (d <= 0 || len % size_t(d) != 0) return std::nullopt;
      for (size_t k = 0; k < len; ++k) {
        __int128 idx = __int128(c0) + __int128(k / d) * e + __int128(k % d) * fs;
        if (idx < 0 || idx >= __int128(ops[0]->size()))
          return std::nullopt; // out of bounds: leave it to the verifier's error
        r[k] = (*ops[0])[size_t(idx)];
      }
      return r;
    }
    default:
      return std::nullopt; // fdiv.p, matmul.p, dynamic slices, stores: not worth it
    }
  }
};

} // namespace

bool runConstFold(Module &m) {
  bool changed = false;
  for (Function &f : m.functions)
    changed |= Folder(f).run();
  return changed;
}

} // namespace smpc::passes

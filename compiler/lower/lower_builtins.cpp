//===- lower_builtins.cpp - builtin functions and conversions -------------===//
#include "compiler/lower/lower.h"
#include "compiler/sema/const_eval.h"
#include "compiler/sema/modules.h"

namespace smpc::lower {

using bc::ElemType;
using bc::Op;
using ir::Vis;

Val Lowerer::builtinChecks(const Expr &e, std::vector<Val> &args, std::optional<int64_t> *axisOut) {
  const std::string &n = e.name;
  const sema::BuiltinInfo &info = *sema::builtinInfo(n);
  // Named arguments: only `axis=`, only where builtins.def allows it, after
  // the positional ones.
  std::optional<int64_t> axis;
  size_t got = 0;
  for (size_t i = 0; i < e.kids.size(); ++i) {
    const std::string &an = e.argNames[i];
    if (an.empty()) {
      if (axis) return error(e.argLocs[i], diag::PositionalAfterAxis);
      ++got;
      continue;
    }
    if (an != "axis" || !info.axis)
      return info.axis ? error(e.argLocs[i], diag::UnknownNamedArgumentAxis, n, an)
                       : error(e.argLocs[i], diag::UnknownNamedArgument, n, an);
    if (axis) return error(e.argLocs[i], diag::AxisTwice);
    axis = sema::evalConst(diags_, *e.kids[i], cur_->consts, "axis");
    if (!axis) return Val::error();
    if (*axis != 0 && *axis != 1 && *axis != -1)
      return error(e.kids[i]->loc, diag::AxisOutOfRange, *axis);
  }
  if (got < info.minArgs || got > info.maxArgs) {
    std::string want = info.minArgs == info.maxArgs
                           ? std::to_string(info.minArgs)
                           : std::to_string(info.minArgs) + " to " + std::to_string(info.maxArgs);
    return error(e.loc, diag::BuiltinArgCount, n, want, info.maxArgs == 1 ? "" : "s", got,
                 got == 1 ? "was" : "were",
                 info.minArgs == info.maxArgs ? "exactly " + want : want);
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].poison()) return Val::error();
    if (args[i].ty.isVoid) return error(e.kids[i]->loc, diag::VoidArgument, i + 1, n);
  }
  if (axis && args.size() > 1) return error(e.loc, diag::AxisWithTwoArguments, n);
  if (axisOut) *axisOut = axis;
  Val ok;
  ok.ty = Ty::voidTy();
  return ok;
}

Val Lowerer::builtin(const Expr &e, std::vector<Val> &args) {
  const std::string &n = e.name;
  std::optional<int64_t> axis;
  if (builtinChecks(e, args, &axis).poison()) return Val::error();
  if (n == "sort" || n == "argsort" || (n == "sort_by" && args.size() == 2))
    return sortBuiltin(e, args)[0];
  if (n == "sort_by") return error(e.loc, diag::SortByManyValues, args.size() - 1);
  if (n == "shuffle") return shuffle(args[0], e.loc);
  if (n == "unsort") return unsort(args[0], args[1], e.loc);
  if (n == "arange") return arange(e);
  if (n == "cumsum") return cumsum(args[0], axis, e.loc);
  if (n == "reshape") return reshape(e, args[0]);
  if (n == "sum" || n == "prod" || n == "argmax" || n == "argmin" ||
      ((n == "max" || n == "min") && args.size() == 1))
    return reduce(n, args[0], axis, e.loc);
  Val &x = args[0];
  const Ty &t = x.ty;
  if (n == "len" || n == "rows" || n == "cols") {
    if (t.isScalar() || (n != "len" && t.t.ndims != 2))
      return error(e.loc, diag::BuiltinNeedsArray, n, n == "len" ? "vector or matrix" : "matrix",
                   sema::typeName(t));
    return constInt(n == "cols" ? t.t.cols : t.t.rows);
  }
  if (n == "transpose") {
    if (t.t.ndims != 2) return error(e.loc, diag::TransposeNeedsMatrix, sema::typeName(t));
    Val r;
    r.ty = t;
    r.ty.t.rows = t.t.cols;
    r.ty.t.cols = t.t.rows;
    r.id = b_.op(t.secret() ? Op::SliceS : Op::SliceP, r.ty.t, {x.id}, {0, t.t.rows, 1, t.t.cols});
    return r;
  }
  if (n == "select") return selectVals(args[0], args[1], args[2], e.loc);
  if (n == "reveal") {
    if (!t.secret()) return x;
    Val r;
    r.ty = t.withVis(Vis::Public);
    r.id = b_.op(Op::Open, r.ty.t, {x.id});
    return r;
  }
  if (n == "concat") return concat(args, e.loc);
  if (n == "fill") return fill(e, args);
  if (n == "min" || n == "max") {
    Val c = binary(BinaryOp::Lt, args[0], args[1], e.loc);
    if (c.poison()) return c;
    return n == "min" ? selectVals(c, args[0], args[1], e.loc)
                      : selectVals(c, args[1], args[0], e.loc);
  }
  if (n == "abs") {
    if (t.elem() == ElemType::Bool) return error(e.loc, diag::AbsNeedsNumber, sema::typeName(t));
    // x * (1 - 2 * (x < 0)): the sign factor is an integer, no truncation.
    ir::Type tb = t.t, ti = t.t;
    tb.elem = ElemType::Bool;
    ti.elem = ElemType::Int;
    Val zero = constInt(0, t.elem());
    Val neg{Ty{tb}, t.secret() ? b_.op(Op::LtzS, tb, {x.id}) : b_.op(Op::LtP, tb, {x.id, zero.id})};
    Val two = constInt(2), one = constInt(1);
    Val n2{Ty{ti}, arith(BinaryOp::Mul, neg, two, ti)};
    Val sgn{Ty{ti}, arith(BinaryOp::Sub, one, n2, ti)};
    Val r{t, arith(BinaryOp::Mul, x, sgn, t.t)};
    return r;
  }
  return convert(n, x, e.loc);
}

Val Lowerer::convert(const std::string &to, Val v, SMLoc loc) {
  return convertTo(*sema::elemFromName(to), to, v, loc);
}

Val Lowerer::convertTo(const Ty &target, const std::string &to, Val v, SMLoc loc) {
  const Ty &t = v.ty;
  if (t.secret() && !target.secret())
    return error(loc, diag::SecretToPublicConversion, sema::typeName(t), to);
  Ty res = target.withShape(t).withVis(t.t.vis);
  ElemType from = t.elem(), into = target.elem();
  Val r;
  r.ty = res;
  bool s = t.secret();
  if (from == into) {
    r = v;
    r.intLit = false;
  } else if (into == ElemType::Fix && v.cint && from == ElemType::Int) {
    r = constFix(static_cast<double>(*v.cint), loc);
  } else if (into == ElemType::Fix) { // int or bool -> fix: scale by 2^f
    if (s) {
      Val scale = constInt(int64_t(1) << f_);
      r.id = b_.op(Op::MulSP, res.t, {v.id, scale.id});
    } else {
      r.id = b_.op(Op::ShlP, res.t, {v.id}, {f_});
    }
  } else if (from == ElemType::Fix && into == ElemType::Int) { // floor
    r.id = truncFix(v.id, res.t);
  } else if (into == ElemType::Bool) { // x != 0
    ir::Type tb = res.t;
    Val zero = constInt(0, from);
    ir::ValueId eq = s ? b_.op(Op::EqzS, tb, {v.id}) : b_.op(Op::EqP, tb, {v.id, zero.id});
    Val one = constInt(1, ElemType::Bool);
    r.id = arith(BinaryOp::Sub, one, Val{res, eq}, tb);
  } else { // bool -> int: same 0/1 ring values, new type
    r.id = b_.op(s ? Op::MovS : Op::MovP, res.t, {v.id});
    r.cint = v.cint;
  }
  if (target.secret() && !r.ty.secret()) {
    r = toSecret(r);
    r.cint.reset();
    r.cfix.reset();
  }
  return r;
}

Val Lowerer::concat(std::vector<Val> &args, SMLoc loc) {
  bool anyFix = false, anySecret = false, matrices = false;
  for (const auto &a : args) {
    anyFix |= a.ty.elem() == ElemType::Fix;
    anySecret |= a.ty.secret();
    matrices |= a.ty.t.ndims == 2;
  }
  ElemType elem = anyFix ? ElemType::Fix : args[0].ty.elem();
  uint64_t total = 0;
  uint32_t cols = matrices ? args[0].ty.t.cols : 1;
  for (const auto &a : args) {
    if (matrices && (a.ty.t.ndims != 2 || a.ty.t.cols != cols))
      return error(loc, diag::ConcatColumnMismatch, sema::typeName(args[0].ty),
                   sema::typeName(a.ty));
    total += a.ty.t.len();
  }
  if (total > uint64_t(sema::kMaxElems)) return error(loc, diag::ConcatTooLarge, sema::kMaxElems);
  Ty res = Ty::scalar(anySecret ? Vis::Secret : Vis::Public, elem);
  res.t.ndims = matrices ? 2 : 1;
  res.t.rows = static_cast<uint32_t>(matrices ? total / cols : total);
  res.t.cols = cols;
  Val zero = constInt(0, elem);
  Val acc;
  acc.ty = res;
  acc.id = b_.op(anySecret ? Op::Classify : Op::MovP, res.t, {zero.id});
  int64_t off = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    Ty part = res.withShape(args[i].ty);
    Val v = coerce(args[i], part, loc, "part " + std::to_string(i + 1) + " of concat");
    if (v.poison()) return Val::error();
    at(loc);
    int64_t n = part.t.len();
    acc.id = b_.op(anySecret ? Op::StoreS : Op::StoreP, res.t, {acc.id, v.id}, {off, n, 0, 1});
    off += n;
  }
  return acc;
}

Val Lowerer::fill(const Expr &e, std::vector<Val> &args) {
  Val &v = args[0];
  if (!v.ty.isScalar()) return error(e.kids[0]->loc, diag::FillOfArray, sema::typeName(v.ty));
  int64_t dims[2] = {1, 1};
  for (size_t i = 1; i < e.kids.size(); ++i) {
    auto d = sema::evalConst(diags_, *e.kids[i], cur_->consts, "a fill size");
    if (!d) return Val::error();
    if (*d < 1 || *d > sema::kMaxElems)
      return error(e.kids[i]->loc, diag::FillSizeOutOfRange, *d, sema::kMaxElems);
    dims[i - 1] = *d;
  }
  if (dims[0] * dims[1] > sema::kMaxElems) return error(e.loc, diag::FillTooLarge, sema::kMaxElems);
  at(e.loc);
  Val r;
  r.ty = v.ty;
  r.ty.t.ndims = static_cast<uint8_t>(e.kids.size() - 1);
  r.ty.t.rows = static_cast<uint32_t>(dims[0]);
  r.ty.t.cols = static_cast<uint32_t>(dims[1]);
  r.id = b_.op(v.ty.secret() ? Op::MovS : Op::MovP, r.ty.t, {v.id});
  return r;
}

} // namespace smpc::lower

//===- lower_expr.cpp - names, calls, literals and indexing ---------------===//
#include "compiler/lower/lower.h"
#include "compiler/sema/const_eval.h"

#include <cmath>

namespace smpc::lower {

using bc::ElemType;
using bc::Op;
using front::ExprKind;
using ir::Vis;

Val Lowerer::expr(const Expr &e) {
  at(e.loc);
  switch (e.kind) {
  case ExprKind::IntLit: {
    Val v = constInt(e.ival);
    v.intLit = true;
    return v;
  }
  case ExprKind::FixLit: {
    Val v = constFix(e.fval, e.loc);
    if (!v.poison()) warnImprecise(e.fval, fixRaw(e.fval), e.loc, "the literal");
    return v;
  }
  case ExprKind::BoolLit:
    return constInt(e.ival, ElemType::Bool);
  case ExprKind::Name:
    return name(e);
  case ExprKind::Unary:
    return unary(e.unOp, expr(*e.kids[0]), e.loc);
  case ExprKind::Binary: {
    Val a = expr(*e.kids[0]);
    Val b = expr(*e.kids[1]);
    return binary(e.binOp, a, b, e.opLoc);
  }
  case ExprKind::Call:
    return call(e);
  case ExprKind::Index:
    return indexExpr(e);
  case ExprKind::Vector:
    return vectorLit(e);
  }
  return Val::error();
}

Val Lowerer::name(const Expr &e) {
  if (VarInfo *v = lookup(e.name)) {
    Val r = v->v;
    r.intLit = false;
    return r;
  }
  if (auto it = cur_->consts.find(e.name); it != cur_->consts.end()) return constInt(it->second);
  for (const auto &in : prog_.modules[0]->inputs)
    if (in.name == e.name) return error(e.loc, diag::InputOutsideMain, e.name);
  if (cur_->types.count(e.name)) return error(e.loc, diag::TypeVariableAsValue, e.name);
  if (prog_.fns.count(e.name) || sema::isBuiltinName(e.name))
    return error(e.loc, diag::FunctionAsValue, e.name);
  return error(e.loc, diag::UnknownName, e.name);
}

Val Lowerer::call(const Expr &e) {
  // `T(x)` and `T.fix(x)`: conversion to a type variable of this instance.
  if (auto tv = cur_->types.find(e.name); tv != cur_->types.end() && !lookup(e.name)) {
    std::vector<Val> args;
    for (const auto &k : e.kids)
      args.push_back(expr(*k));
    std::string spelled = e.name + (e.member.empty() ? "" : "." + e.member);
    std::optional<Ty> target = tv->second;
    if (!e.member.empty()) target = sema::derivedElem(tv->second, e.member);
    if (!target) return error(e.loc, diag::UnknownKindSuffix, e.member, e.name);
    if (args.size() != 1 || !e.argNames[0].empty())
      return error(e.loc, diag::ConversionArgCount, spelled);
    if (args[0].poison()) return Val::error();
    if (args[0].ty.isVoid) return error(e.kids[0]->loc, diag::VoidArgument, 1, spelled);
    at(e.loc);
    return convertTo(*target, spelled, args[0], e.loc);
  }
  if (!e.member.empty()) return error(e.loc, diag::KindSuffixOnFunction, e.name, e.member);
  if (sema::isBuiltinName(e.name)) {
    std::vector<Val> args;
    // fill's sizes and named arguments (axis=) are compile-time constants,
    // not values.
    size_t n = e.name == "arange"                        ? 0
               : e.name == "fill" || e.name == "reshape" ? std::min<size_t>(1, e.kids.size())
                                                         : e.kids.size();
    for (size_t i = 0; i < n; ++i)
      if (e.argNames[i].empty()) args.push_back(expr(*e.kids[i]));
    at(e.loc);
    return builtin(e, args);
  }
  for (size_t i = 0; i < e.argNames.size(); ++i)
    if (!e.argNames[i].empty()) {
      for (const auto &k : e.kids)
        expr(*k);
      return error(e.argLocs[i], diag::NamedArgumentToFunction, e.argNames[i], e.name);
    }
  auto it = prog_.fns.find(e.name);
  if (it == prog_.fns.end()) {
    for (const auto &k : e.kids)
      expr(*k);
    if (lookup(e.name) || cur_->consts.count(e.name))
      return error(e.loc, diag::ValueCalled, e.name);
    return error(e.loc, diag::UnknownFunction, e.name);
  }
  const front::FnDecl &f = *it->second;
  std::vector<Val> args;
  for (const auto &k : e.kids)
    args.push_back(expr(*k));
  if (args.size() != f.params.size())
    return error(e.loc, diag::FunctionArgCount, f.name, f.params.size(),
                 f.params.size() == 1 ? "" : "s", args.size(), args.size() == 1 ? "was" : "were");
  if (recursive_.count(&f) || badSignature_.count(&f)) return Val::error(); // already reported
  for (const auto &a : args)
    if (a.poison()) return Val::error();
  if (f.name == "main") return error(e.loc, diag::MainCalled);
  sema::ConstEnv shapeVars;
  sema::TypeEnv typeVars;
  if (!inferGenerics(e, f, args, shapeVars, typeVars)) return Val::error();
  unsigned errorsBefore = diags_.errorCount();
  uint32_t index = instantiate(f, shapeVars, typeVars);
  if (diags_.errorCount() != errorsBefore && !f.generics.empty())
    diags_.emit(e.loc, diag::InstanceCalledHere, mod_.functions[index].name);
  const ir::Function &callee = mod_.functions[index];
  if (callee.body.args.size() != f.params.size()) return Val::error(); // the signature had errors
  std::vector<ir::ValueId> ops;
  for (size_t i = 0; i < args.size(); ++i) {
    Ty pt{callee.type(callee.body.args[i])};
    Val a = coerce(args[i], pt, e.kids[i]->loc,
                   "argument " + std::to_string(i + 1) + " of '" + f.name + "'");
    if (a.poison()) return Val::error();
    ops.push_back(a.id);
  }
  at(e.loc);
  ir::Inst &c = b_.append(ir::IrOp::Call);
  c.callee = index;
  c.operands = ops;
  Val r;
  if (callee.resultTypes.empty()) {
    r.ty = Ty::voidTy();
    return r;
  }
  r.ty = Ty{callee.resultTypes[0]};
  r.id = b_.function()->newValue(r.ty.t);
  c.results.push_back(r.id);
  return r;
}

namespace {
const front::GenericParam *findGeneric(const front::FnDecl &f, const std::string &name) {
  for (const auto &g : f.generics)
    if (g.name == name) return &g;
  return nullptr;
}

// Which element types a bound admits, as users read it.
const char *boundMeaning(const std::string &bound) {
  return bound == "num" ? "a number type (int, fix, sint or sfix)" : "an element type";
}

const char *rankWord(size_t ndims) {
  return ndims == 0 ? "scalar" : ndims == 1 ? "vector" : "matrix";
}

// What to write instead, for a parameter of `want` dimensions given `have`.
const char *rankHint(size_t want, size_t have) {
  if (want == 1 && have == 0)
    return "pass a vector: [x] holds one value, and [0] takes it out of a vector result";
  if (want == 2 && have == 1) return "pass a matrix: reshape(x, 1, n) is a one-row matrix";
  if (want == 2) return "pass a matrix, e.g. fill(x, 1, 1)";
  return "pass a vector, e.g. a row m[i, :] or reshape(m, rows * cols)";
}
} // namespace

bool Lowerer::rankMismatch(const Expr &e, const front::FnDecl &f, size_t i,
                           const front::TypeExpr &pt, const Ty &at) {
  for (const auto &de : pt.dims) {
    const front::GenericParam *g = de->kind == ExprKind::Name ? findGeneric(f, de->name) : nullptr;
    if (!g || g->isType()) continue;
    error(e.kids[i]->loc, diag::ArgumentRankMismatch, i + 1, f.name, rankWord(pt.dims.size()),
          rankWord(at.t.ndims), sema::typeName(at), rankHint(pt.dims.size(), at.t.ndims));
    return false;
  }
  return true;
}

bool Lowerer::inferGenerics(const Expr &e, const front::FnDecl &f, std::vector<Val> &args,
                            sema::ConstEnv &shapeVars, sema::TypeEnv &typeVars) {
  std::set<std::string> fromLiteral; // bound only by integer literals so far
  for (size_t i = 0; i < args.size(); ++i) {
    const front::TypeExpr &pt = f.params[i].type;
    const Ty &at = args[i].ty;
    if (at.isVoid) {
      error(e.kids[i]->loc, diag::VoidArgument, i + 1, f.name);
      return false;
    }
    // Element-type variable: T, T[k], T[m, n] (a derived T.fix binds nothing).
    if (const auto *g = findGeneric(f, pt.elem); g && g->isType() && pt.derived.empty()) {
      auto [slot, fresh] = typeVars.emplace(g->name, at.asScalar());
      bool lit = args[i].intLit;
      if (fresh) {
        if (lit) fromLiteral.insert(g->name);
      } else {
        Ty &b = slot->second;
        bool bLit = fromLiteral.count(g->name) > 0;
        if (b.elem() != at.elem()) {
          if (bLit && at.elem() == bc::ElemType::Fix) {
            b = b.withElem(bc::ElemType::Fix);
          } else if (!(lit && b.elem() == bc::ElemType::Fix)) {
            error(e.kids[i]->loc, diag::TypeVariableMismatch, g->name, f.name, sema::typeName(b),
                  sema::typeName(at.asScalar()));
            return false;
          }
        }
        if (!lit) fromLiteral.erase(g->name);
        if (at.secret()) b = b.withVis(ir::Vis::Secret);
      }
    }
    if (pt.dims.size() != at.t.ndims) {
      // With a shape variable in the parameter's type coerce never runs (the
      // variable stays unbound): say here that the argument has the wrong rank.
      if (!rankMismatch(e, f, i, pt, at)) return false;
      continue; // reported by coerce with the full types
    }
    for (size_t d = 0; d < pt.dims.size(); ++d) {
      const Expr &de = *pt.dims[d];
      const front::GenericParam *g = de.kind == ExprKind::Name ? findGeneric(f, de.name) : nullptr;
      if (!g || g->isType()) continue;
      int64_t size = d == 0 ? at.t.rows : at.t.cols;
      auto [slot, fresh] = shapeVars.emplace(de.name, size);
      if (!fresh && slot->second != size) {
        error(e.kids[i]->loc, diag::ShapeVariableMismatch, de.name, f.name, slot->second, size);
        return false;
      }
    }
  }
  for (const auto &g : f.generics) {
    if (g.isType()) {
      auto b = typeVars.find(g.name);
      if (b == typeVars.end()) {
        error(e.loc, diag::TypeVariableNotInferred, g.name, f.name);
        return false;
      }
      if (g.bound == "num" && b->second.elem() == bc::ElemType::Bool) {
        error(e.loc, diag::TypeVariableBound, f.name, g.name, boundMeaning(g.bound),
              sema::typeName(b->second));
        return false;
      }
    } else if (!shapeVars.count(g.name)) {
      error(e.loc, diag::ShapeVariableNotInferred, g.name, f.name);
      return false;
    }
  }
  return true;
}

Val Lowerer::denseLit(const Expr &e) {
  // What the elements written one by one give (expr() on IntLit, FixLit
  // and unary minus, then the all-constant case of vectorLit), without an
  // IR constant per element.
  const front::DenseLiteral &d = *e.dense;
  const size_t n = d.bits.size();
  at(e.loc);
  if (n > uint64_t(sema::kMaxElems)) return error(e.loc, diag::LiteralTooLarge, sema::kMaxElems);
  std::vector<uint64_t> data(n);
  bool bad = false;
  for (size_t i = 0; i < n; ++i) {
    if (!d.isFix[i]) {
      data[i] = d.anyFix ? fixRaw(static_cast<double>(d.intValue(i))) : d.bits[i];
      continue;
    }
    const double v = d.fixValue(i), lit = std::fabs(v); // the literal is unsigned
    const SMLoc loc = SMLoc::getFromPointer(e.loc.getPointer() + d.offsets[i]);
    if (!std::isfinite(lit) || lit >= std::ldexp(1.0, 62 - f_)) {
      error(loc, diag::FixConstantOutOfRange, f_, 62 - f_);
      bad = true;
      continue;
    }
    warnImprecise(lit, fixRaw(lit), loc, "the literal");
    data[i] = fixRaw(v);
  }
  if (bad) return Val::error();
  Ty res = Ty::scalar(Vis::Public, d.anyFix ? ElemType::Fix : ElemType::Int);
  res.t.ndims = 1;
  res.t.rows = static_cast<uint32_t>(n);
  res.t.cols = 1;
  return constVec(res, std::move(data));
}

Val Lowerer::vectorLit(const Expr &e) {
  if (e.dense) return denseLit(e);
  std::vector<Val> elems;
  for (const auto &k : e.kids)
    elems.push_back(expr(*k));
  for (const auto &v : elems) {
    if (v.poison()) return Val::error();
    if (v.ty.isVoid) return error(e.loc, diag::VoidVectorElement);
  }
  at(e.loc);
  const Ty &first = elems[0].ty;
  if (first.t.ndims == 2) return error(e.loc, diag::LiteralTooDeep);
  bool anyFix = false, anySecret = false;
  for (const auto &v : elems) {
    anyFix |= v.ty.elem() == ElemType::Fix;
    anySecret |= v.ty.secret();
    if (!v.ty.sameShape(first))
      return error(e.loc, diag::LiteralShapeMismatch, sema::shapeName(first),
                   sema::shapeName(v.ty));
  }
  ElemType elem = anyFix ? ElemType::Fix : first.elem();
  Ty part = Ty::scalar(anySecret ? Vis::Secret : Vis::Public, elem).withShape(first);
  Ty res = part;
  uint32_t n = static_cast<uint32_t>(elems.size());
  if (first.isScalar()) {
    res.t.ndims = 1;
    res.t.rows = n;
    res.t.cols = 1;
  } else {
    res.t.ndims = 2;
    res.t.rows = n;
    res.t.cols = first.t.rows;
  }
  if (uint64_t(res.t.rows) * res.t.cols > uint64_t(sema::kMaxElems))
    return error(e.loc, diag::LiteralTooLarge, sema::kMaxElems);
  // All public constants: one constant vector.
  bool allConst = !anySecret && first.isScalar();
  for (const auto &v : elems)
    allConst &= v.cint.has_value() || v.cfix.has_value();
  if (allConst) {
    std::vector<uint64_t> data;
    for (const auto &v : elems) {
      if (v.ty.elem() != elem && !(elem == ElemType::Fix && v.intLit))
        return error(e.loc, diag::LiteralTypeMismatch, sema::typeName(first), sema::typeName(v.ty));
      if (elem == ElemType::Fix)
        data.push_back(v.cfix ? fixRaw(*v.cfix) : fixRaw(static_cast<double>(*v.cint)));
      else
        data.push_back(static_cast<uint64_t>(*v.cint));
    }
    return constVec(res, std::move(data));
  }
  // Otherwise start from zeros and store each element.
  Val zero = constInt(0, elem);
  Val acc;
  acc.ty = res;
  acc.id = b_.op(anySecret ? Op::Classify : Op::MovP, res.t, {zero.id});
  uint32_t width = first.t.len();
  for (uint32_t i = 0; i < n; ++i) {
    Val v = coerce(elems[i], part, e.kids[i]->loc, "an element of this literal");
    if (v.poison()) return Val::error();
    at(e.loc);
    acc.id = b_.op(anySecret ? Op::StoreS : Op::StoreP, res.t, {acc.id, v.id},
                   {int64_t(i) * width, width, 0, 1});
  }
  return acc;
}

Val Lowerer::indexExpr(const Expr &e) {
  Val base = expr(*e.kids[0]);
  if (base.poison()) return base;
  if (base.ty.isVoid) return error(e.loc, diag::IndexOfVoid);
  Access a = access(base.ty, e.index, e.loc);
  if (!a.ok) return Val::error();
  at(e.loc);
  return readAccess(base, a);
}

Lowerer::Access Lowerer::access(const Ty &base, const std::vector<front::IndexPart> &idx,
                                SMLoc loc) {
  Access a;
  if (base.isScalar()) {
    diags_.emit(loc, diag::IndexOfScalar, sema::typeName(base));
    return a;
  }
  size_t want = base.t.ndims;
  if (idx.size() > want || (want == 1 && idx.size() != 1)) {
    diags_.emit(loc, diag::IndexCount, sema::typeName(base), want, want == 1 ? "ex" : "ices",
                idx.size());
    return a;
  }
  int64_t dims[2] = {base.t.rows, base.t.cols};
  int64_t lo[2] = {0, 0}, len[2] = {1, 1};
  bool isRange[2] = {false, want == 2 && idx.size() == 1}; // m[i] is row i
  if (isRange[1]) len[1] = dims[1];
  ir::ValueId dyn[2] = {ir::kNoValue, ir::kNoValue};
  bool ok = true;
  for (size_t d = 0; d < idx.size(); ++d) {
    const front::IndexPart &p = idx[d];
    if (p.isRange) {
      isRange[d] = true;
      std::optional<int64_t> l = int64_t(0), h = dims[d];
      if (p.lo) l = sema::evalConst(diags_, *p.lo, cur_->consts, "a slice bound");
      if (p.hi) h = sema::evalConst(diags_, *p.hi, cur_->consts, "a slice bound");
      if (!l || !h) {
        ok = false;
        continue;
      }
      if (*l < 0 || *h > dims[d] || *l >= *h) {
        diags_.emit(p.loc, diag::SliceOutOfBounds, *l, *h, dims[d]);
        ok = false;
        continue;
      }
      lo[d] = *l;
      len[d] = *h - *l;
      continue;
    }
    Val i = expr(*p.lo);
    if (i.poison()) {
      ok = false;
    } else if (i.ty.secret()) {
      diags_.emit(p.lo->loc, diag::SecretIndex, sema::typeName(i.ty));
      ok = false;
    } else if (i.ty.isVoid || i.ty.elem() != ElemType::Int || !i.ty.isScalar()) {
      diags_.emit(p.lo->loc, diag::IndexNotInt, sema::typeName(i.ty));
      ok = false;
    } else if (i.cint) {
      if (*i.cint < 0 || *i.cint >= dims[d]) {
        diags_.emit(p.lo->loc, diag::IndexOutOfBounds, *i.cint, dims[d], dims[d] - 1);
        ok = false;
      }
      lo[d] = i.cint.value_or(0);
    } else {
      dyn[d] = i.id;
    }
  }
  if (!ok) return a;
  int64_t cols = want == 2 ? dims[1] : 1;
  a.ok = true;
  a.off = want == 2 ? lo[0] * cols + lo[1] : lo[0];
  if (want == 1) {
    a.D = 1;
    a.E = 1;
    a.F = 0;
  } else {
    a.D = len[1];
    a.E = cols;
    a.F = 1;
  }
  Ty t = base.asScalar();
  int ranges = int(isRange[0]) + int(want == 2 && isRange[1]);
  if (ranges == 2) {
    t.t.ndims = 2;
    t.t.rows = uint32_t(len[0]);
    t.t.cols = uint32_t(len[1]);
  } else if (ranges == 1) {
    t.t.ndims = 1;
    t.t.rows = uint32_t(isRange[0] ? len[0] : len[1]);
  }
  a.elemTy = t;
  if (dyn[0] != ir::kNoValue || dyn[1] != ir::kNoValue) {
    // The run-time offset is public arithmetic: row * cols + col.
    a.dynamic = true;
    Ty pi = Ty::scalar(Vis::Public, ElemType::Int);
    ir::ValueId off = ir::kNoValue;
    if (dyn[0] != ir::kNoValue) {
      off = dyn[0];
      if (want == 2) {
        Val c = constInt(cols);
        off = b_.op(Op::MulP, pi.t, {dyn[0], c.id});
      }
    }
    int64_t rest = dyn[0] != ir::kNoValue ? (want == 2 ? lo[1] : 0) : lo[0] * cols;
    if (dyn[1] != ir::kNoValue)
      off = off == ir::kNoValue ? dyn[1] : b_.op(Op::AddP, pi.t, {off, dyn[1]});
    if (rest != 0) {
      Val c = constInt(rest);
      off = b_.op(Op::AddP, pi.t, {off, c.id});
    }
    a.dynOff = off;
  }
  return a;
}

Val Lowerer::readAccess(const Val &base, const Access &a) {
  Val r;
  r.ty = a.elemTy;
  bool s = base.ty.secret();
  if (a.dynamic) {
    r.id = b_.op(s ? Op::SliceDynS : Op::SliceDynP, r.ty.t, {base.id, a.dynOff}, {a.D, a.E, a.F});
    return r;
  }
  if (a.off == 0 && r.ty.sameShape(base.ty)) return base;
  r.id = b_.op(s ? Op::SliceS : Op::SliceP, r.ty.t, {base.id}, {a.off, a.D, a.E, a.F});
  return r;
}

Val Lowerer::writeAccess(const Val &base, const Access &a, Val value, SMLoc loc) {
  at(loc);
  Val r = base;
  r.cint.reset();
  bool s = base.ty.secret();
  if (a.dynamic)
    r.id = b_.op(s ? Op::StoreDynS : Op::StoreDynP, base.ty.t, {base.id, value.id, a.dynOff},
                 {a.D, a.E, a.F});
  else
    r.id =
        b_.op(s ? Op::StoreS : Op::StoreP, base.ty.t, {base.id, value.id}, {a.off, a.D, a.E, a.F});
  return r;
}

} // namespace smpc::lower

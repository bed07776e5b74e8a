//===- const_eval.cpp - compile-time integer expressions ------------------===//
#include "compiler/sema/const_eval.h"

#include "vm/bytecode/public_arith.h"

namespace smpc::sema {

using front::Expr;
using front::ExprKind;

bool isIntArith(front::BinaryOp op) {
  using front::BinaryOp;
  return op == BinaryOp::Add || op == BinaryOp::Sub || op == BinaryOp::Mul || op == BinaryOp::Div ||
         op == BinaryOp::Mod;
}

std::optional<int64_t> foldIntArith(front::BinaryOp op, int64_t a, int64_t b) {
  namespace arith = bc::arith;
  const uint64_t x = static_cast<uint64_t>(a), y = static_cast<uint64_t>(b);
  std::optional<uint64_t> r;
  switch (op) {
  case front::BinaryOp::Add:
    r = arith::add(x, y);
    break;
  case front::BinaryOp::Sub:
    r = arith::sub(x, y);
    break;
  case front::BinaryOp::Mul:
    r = arith::mul(x, y);
    break;
  case front::BinaryOp::Div:
    r = arith::div(x, y);
    break;
  case front::BinaryOp::Mod:
    r = arith::rem(x, y);
    break;
  default:
    return std::nullopt; // not integer arithmetic: callers ask isIntArith first
  }
  if (!r) return std::nullopt;
  return static_cast<int64_t>(*r);
}

std::optional<int64_t> evalConst(front::Diagnostics &d, const Expr &e, const ConstEnv &env,
                                 const char *what) {
  switch (e.kind) {
  case ExprKind::IntLit:
    return e.ival;
  case ExprKind::Name: {
    auto it = env.find(e.name);
    if (it != env.end()) return it->second;
    d.emit(e.loc, front::diag::NotAConstantName, what, e.name);
    return std::nullopt;
  }
  case ExprKind::Unary:
    if (e.unOp == front::UnaryOp::Neg) {
      auto v = evalConst(d, *e.kids[0], env, what);
      if (v) return static_cast<int64_t>(bc::arith::neg(static_cast<uint64_t>(*v)));
      return v;
    }
    break;
  case ExprKind::Binary: {
    if (!isIntArith(e.binOp)) break;
    auto a = evalConst(d, *e.kids[0], env, what);
    auto b = evalConst(d, *e.kids[1], env, what);
    if (!a || !b) return std::nullopt;
    // Sizes are range-checked by the caller.
    auto r = foldIntArith(e.binOp, *a, *b);
    if (!r) d.emit(e.loc, front::diag::ConstDivisionByZero);
    return r;
  }
  default:
    break;
  }
  d.emit(e.loc, front::diag::NotAConstantExpr, what);
  return std::nullopt;
}

std::optional<Ty> derivedElem(const Ty &base, const std::string &derived) {
  if (derived == "int") return base.withElem(bc::ElemType::Int);
  if (derived == "fix") return base.withElem(bc::ElemType::Fix);
  if (derived == "bool") return base.withElem(bc::ElemType::Bool);
  return std::nullopt;
}

Ty resolveType(front::Diagnostics &d, const front::TypeExpr &t, const ConstEnv &env,
               const TypeEnv *types) {
  std::optional<Ty> base;
  auto var = types ? types->find(t.elem) : TypeEnv::const_iterator();
  if (types && var != types->end()) {
    base = var->second;
    if (!t.derived.empty()) {
      base = derivedElem(var->second, t.derived);
      if (!base) {
        d.emit(t.loc, front::diag::UnknownKindSuffix, t.derived, t.elem);
        return Ty::error();
      }
    }
  } else {
    base = elemFromName(t.elem);
    if (!base) {
      d.emit(t.loc, front::diag::UnknownType, t.elem);
      return Ty::error();
    }
    if (!t.derived.empty()) {
      d.emit(t.loc, front::diag::KindSuffixOnType, t.elem, t.derived);
      return Ty::error();
    }
  }
  Ty ty = *base;
  int64_t dims[2] = {1, 1};
  for (size_t i = 0; i < t.dims.size(); ++i) {
    auto v = evalConst(d, *t.dims[i], env, "an array size");
    if (!v) return Ty::error();
    if (*v < 1 || *v > kMaxElems) {
      d.emit(t.dims[i]->loc, front::diag::ArraySizeOutOfRange, *v, kMaxElems);
      return Ty::error();
    }
    dims[i] = *v;
  }
  if (dims[0] * dims[1] > kMaxElems) {
    d.emit(t.loc, front::diag::MatrixTooLarge, kMaxElems);
    return Ty::error();
  }
  ty.t.ndims = static_cast<uint8_t>(t.dims.size());
  ty.t.rows = static_cast<uint32_t>(dims[0]);
  ty.t.cols = static_cast<uint32_t>(dims[1]);
  return ty;
}

} // namespace smpc::sema

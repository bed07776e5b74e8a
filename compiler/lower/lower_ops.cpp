//===- lower_ops.cpp - operators: instruction selection per type ----------===//
//
// Fixed point: values are ring integers scaled by 2^f. A product of two fix
// values is truncated by f bits (trunc.s on secrets, shr.p on public).
// Comparisons on secrets are ltz/eqz of a difference; booleans are 0/1 ring
// values, so && is a product, || is a+b-ab and ^ is a+b-2ab.
//===----------------------------------------------------------------------===//
#include "compiler/lower/lower.h"
#include "compiler/sema/const_eval.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>

namespace smpc::lower {

using bc::ElemType;
using bc::Op;
using ir::Vis;

// Extra fractional bits of public reciprocals (see sfix / fix below).
constexpr int kRecipExtraBits = 8;
// Secret division compares each divisor element against 2f+4 thresholds in
// one vector; keep that vector within the bytecode's register limit.
constexpr uint64_t kMaxDivElems = uint64_t(1) << 28;

static Ty pub(ElemType e) {
  return Ty::scalar(Vis::Public, e);
}

uint64_t Lowerer::fixRaw(double v) const {
  return static_cast<uint64_t>(static_cast<int64_t>(std::llround(std::ldexp(v, f_))));
}

void Lowerer::warnImprecise(double exact, uint64_t raw, SMLoc loc, const std::string &what) {
  // Warn when a constant keeps less than about 7 significant bits: its
  // fixed-point value is more than 1% off the exact one.
  if (exact == 0.0 || !std::isfinite(exact)) return;
  double held = std::ldexp(static_cast<double>(static_cast<int64_t>(raw)), -f_);
  double off = std::fabs(held - exact) / std::fabs(exact);
  if (off <= 0.01) return;
  auto num = [](const char *fmt, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return std::string(buf);
  };
  diags_.emit(loc, diag::ImpreciseFixConstant, what, num("%.5g", exact), num("%.5g", held), f_,
              num("%.3g", off * 100));
}

Val Lowerer::constInt(int64_t v, ElemType e) {
  Val r;
  r.ty = pub(e);
  r.id = b_.constant(r.ty.t, {static_cast<uint64_t>(v)});
  r.cint = v;
  return r;
}

Val Lowerer::constFix(double v, SMLoc loc) {
  if (!std::isfinite(v) || std::fabs(v) >= std::ldexp(1.0, 62 - f_))
    return error(loc, diag::FixConstantOutOfRange, f_, 62 - f_);
  Val r;
  r.ty = pub(ElemType::Fix);
  r.id = b_.constant(r.ty.t, {fixRaw(v)});
  r.cfix = v;
  return r;
}

Val Lowerer::constVec(const Ty &t, std::vector<uint64_t> data) {
  Val r;
  r.ty = t;
  r.id = b_.constant(t.t, std::move(data));
  return r;
}

Val Lowerer::literalToFix(const Val &v) {
  return constFix(static_cast<double>(*v.cint), SMLoc());
}

Val Lowerer::toSecret(const Val &v) {
  if (v.poison() || v.ty.secret()) return v;
  Val r;
  r.ty = v.ty.withVis(Vis::Secret);
  r.id = b_.op(Op::Classify, r.ty.t, {v.id});
  return r;
}

Val Lowerer::broadcast(const Val &v, const Ty &shape) {
  if (v.poison() || !v.ty.isScalar() || shape.isScalar()) return v;
  Val r;
  r.ty = v.ty.withShape(shape);
  r.id = b_.op(v.ty.secret() ? Op::MovS : Op::MovP, r.ty.t, {v.id});
  return r;
}

ir::ValueId Lowerer::arith(BinaryOp k, const Val &a, const Val &b, const ir::Type &res) {
  bool sa = a.ty.secret(), sb = b.ty.secret();
  switch (k) {
  case BinaryOp::Add:
    if (sa && sb) return b_.op(Op::AddSS, res, {a.id, b.id});
    if (sa) return b_.op(Op::AddSP, res, {a.id, b.id});
    if (sb) return b_.op(Op::AddSP, res, {b.id, a.id});
    return b_.op(Op::AddP, res, {a.id, b.id});
  case BinaryOp::Sub:
    if (sa && sb) return b_.op(Op::SubSS, res, {a.id, b.id});
    if (sa) return b_.op(Op::SubSP, res, {a.id, b.id});
    if (sb) return b_.op(Op::SubPS, res, {a.id, b.id});
    return b_.op(Op::SubP, res, {a.id, b.id});
  default: // Mul, the only other operator asked for
    if (sa && sb) return b_.op(Op::MulSS, res, {a.id, b.id});
    if (sa) return b_.op(Op::MulSP, res, {a.id, b.id});
    if (sb) return b_.op(Op::MulSP, res, {b.id, a.id});
    return b_.op(Op::MulP, res, {a.id, b.id});
  }
}

ir::ValueId Lowerer::truncFix(ir::ValueId v, const ir::Type &t) {
  if (t.vis == Vis::Secret) return b_.op(Op::TruncS, t, {v}, {f_});
  return b_.op(Op::ShrP, t, {v}, {f_});
}

Val Lowerer::binary(BinaryOp op, Val a, Val b, SMLoc loc) {
  if (a.poison() || b.poison()) return Val::error();
  if (a.ty.isVoid || b.ty.isVoid) return error(loc, diag::VoidOperand, spelling(op));
  at(loc);
  if (op == BinaryOp::MatMul) return matmul(a, b, loc);
  bool logical = op == BinaryOp::And || op == BinaryOp::Or || op == BinaryOp::Xor;
  // Integer literals adapt to fix context; `fix * literal` needs no
  // truncation, so keep the literal an integer there.
  bool rawIntScale = op == BinaryOp::Mul && ((a.ty.elem() == ElemType::Fix && b.intLit) ||
                                             (b.ty.elem() == ElemType::Fix && a.intLit));
  if (!rawIntScale) {
    if (a.ty.elem() == ElemType::Fix && b.ty.elem() == ElemType::Int && b.intLit)
      b = literalToFix(b);
    if (b.ty.elem() == ElemType::Fix && a.ty.elem() == ElemType::Int && a.intLit)
      a = literalToFix(a);
    if (a.poison() || b.poison()) return Val::error();
  }
  std::string pair = sema::typeName(a.ty) + " and " + sema::typeName(b.ty);
  if (logical) {
    if (a.ty.elem() != ElemType::Bool || b.ty.elem() != ElemType::Bool)
      return error(loc, diag::LogicalNeedsBool, spelling(op), pair);
  } else if (!rawIntScale && a.ty.elem() != b.ty.elem()) {
    return error(loc, diag::OperandTypeMismatch, spelling(op), pair,
                 sema::elemName(a.ty.t.vis, a.ty.elem()));
  } else if (a.ty.elem() == ElemType::Bool && !(op == BinaryOp::Eq || op == BinaryOp::Ne)) {
    return error(loc, diag::ArithmeticOnBool, spelling(op), pair);
  }
  if (!a.ty.sameShape(b.ty) && !a.ty.isScalar() && !b.ty.isScalar())
    return error(loc, diag::OperandShapeMismatch, spelling(op), pair);
  Ty shape = a.ty.isScalar() ? b.ty : a.ty;
  Vis vis = a.ty.secret() || b.ty.secret() ? Vis::Secret : Vis::Public;
  ElemType elem = rawIntScale ? ElemType::Fix : a.ty.elem();
  Ty res = Ty::scalar(vis, elem).withShape(shape);

  // Public int scalars known at compile time fold to constants.
  if (a.cint && b.cint && sema::isIntArith(op) && elem == ElemType::Int && vis == Vis::Public &&
      shape.isScalar()) {
    std::optional<int64_t> r = sema::foldIntArith(op, *a.cint, *b.cint);
    if (!r) return error(loc, diag::DivisionByConstantZero);
    return constInt(*r);
  }
  if (front::isComparison(op)) return compare(op, a, b, loc, res.withElem(ElemType::Bool));

  Val out;
  out.ty = res;
  if (op == BinaryOp::Add || op == BinaryOp::Sub) {
    out.id = arith(op, a, b, res.t);
  } else if (op == BinaryOp::Mul || op == BinaryOp::And) {
    out.id = arith(BinaryOp::Mul, a, b, res.t);
    if (elem == ElemType::Fix && !rawIntScale) out.id = truncFix(out.id, res.t);
  } else if (op == BinaryOp::Or || op == BinaryOp::Xor) {
    Val s{res, arith(BinaryOp::Add, a, b, res.t)};
    Val p{res, arith(BinaryOp::Mul, a, b, res.t)};
    if (op == BinaryOp::Xor) p.id = arith(BinaryOp::Add, p, p, res.t);
    out.id = arith(BinaryOp::Sub, s, p, res.t);
  } else if (op == BinaryOp::Div || op == BinaryOp::Mod) {
    if ((b.cint && *b.cint == 0) || (b.cfix && *b.cfix == 0.0))
      return error(loc, diag::DivisionByConstantZero);
    if (b.cfix && fixRaw(*b.cfix) == 0) return error(loc, diag::DivisorRoundsToZero, f_);
    if (op == BinaryOp::Div && a.cfix && b.cfix && vis == Vis::Public && shape.isScalar()) {
      // A constant quotient of two fix constants: keep it as a constant (so
      // a division by it takes the precise path) and say when it keeps
      // little of the exact value, as 1.0 / 60000.0 does (one unit).
      __int128 q = (static_cast<__int128>(static_cast<int64_t>(fixRaw(*a.cfix))) << f_) /
                   static_cast<int64_t>(fixRaw(*b.cfix));
      if (q >= INT64_MIN && q <= INT64_MAX) {
        out.id = b_.op(Op::FDivP, res.t, {a.id, b.id});
        out.cfix = std::ldexp(static_cast<double>(static_cast<int64_t>(q)), -f_);
        warnImprecise(*a.cfix / *b.cfix, static_cast<uint64_t>(static_cast<int64_t>(q)), loc,
                      "the quotient");
        return out;
      }
    }
    if (op == BinaryOp::Mod) {
      if (elem != ElemType::Int || vis == Vis::Secret)
        return error(loc, diag::RemainderNeedsPublicInt, pair);
      out.id = b_.op(Op::ModP, res.t, {a.id, b.id});
    } else if (elem == ElemType::Int) {
      if (vis == Vis::Secret) return error(loc, diag::SecretIntegerDivision, pair);
      out.id = b_.op(Op::DivP, res.t, {a.id, b.id});
    } else if (!b.ty.secret()) {
      if (!a.ty.secret()) {
        out.id = b_.op(Op::FDivP, res.t, {a.id, b.id});
      } else if (b.cfix) {
        out.id = divByConstant(a, fixRaw(*b.cfix), res.t);
      } else {
        // Multiply by the public reciprocal, computed with kRecipExtraBits
        // more fractional bits than the values (1/110 has only 3 significant
        // digits at 16 bits), then one truncation by f + extra. This keeps
        // |a / b| < 2^(62 - 2f - extra) (2^22 for f = 16) within the
        // truncation's range.
        Val scale = constFix(std::ldexp(1.0, kRecipExtraBits), loc);
        Val r{b.ty, b_.op(Op::FDivP, b.ty.t, {scale.id, b.id})};
        ir::ValueId prod = arith(BinaryOp::Mul, a, r, res.t);
        out.id = b_.op(Op::TruncS, res.t, {prod}, {f_ + kRecipExtraBits});
      }
    } else if (uint64_t(b.ty.t.len()) * (2 * f_ + 4) > kMaxDivElems) {
      return error(loc, diag::SecretDivisionTooLarge, b.ty.t.len());
    } else {
      out.id = divSecret(a, b, res).id;
    }
  }
  return out;
}

ir::ValueId Lowerer::divByConstant(const Val &a, uint64_t bRaw, const ir::Type &res) {
  // a / b = a_raw * 2^f / B in raw terms (B = b's raw value, b a constant).
  // With E = ceil(log2 |B|), 2^(f+E) / |B| lies in [2^f, 2^(f+1)]: hold it
  // with 2f + 2 significant bits as m_hi + m_lo / 2^(f+1), each part below
  // 2^(f+1), and truncate a * m_hi by E and a * m_lo by E + f + 1 in the
  // same round. Error: below 2 units of 2^-f, plus 2^-(2f+2) relative,
  // whatever the size of b (a reciprocal with a fixed number of fractional
  // bits keeps few digits of 1/60000). |a_raw m| must stay below 2^62, so
  // |a| < 2^(61-2f) (2^29 for f = 16): too little for a sum divided by its
  // count (100,000 salaries of 50,000 wrapped the ring and gave a wrong
  // mean). So a divisor of value |b| >= 2 first drops the s = floor(log2 |b|)
  // low bits of a (one more truncation, one more round): |a| < 2^(29+s),
  // every quotient below 2^28 fits, and the dropped bits cost at most one
  // unit more, as a_raw / 2^s / (B / 2^s) loses less than 2^s / |b| <= 1.
  // Trailing zeros are dropped: a power of two is one truncation (valid for
  // any sfix a), and a divisor below 1 whose reciprocal is an integer is a
  // plain multiplication.
  bool neg = static_cast<int64_t>(bRaw) < 0;
  unsigned __int128 B = neg ? static_cast<unsigned __int128>(0 - bRaw) : bRaw;
  int E = 0;
  while ((static_cast<unsigned __int128>(1) << E) < B)
    ++E;
  const int L = f_ + 1;
  const bool pow2 = (B & (B - 1)) == 0;
  const int pre = pow2 ? 0 : std::max(0, E - 1 - int(f_));
  const ir::ValueId src = pre > 0 ? b_.op(Op::TruncS, res, {a.id}, {pre}) : a.id;
  auto part = [&](unsigned __int128 m, int shift) -> ir::ValueId {
    shift -= pre;
    while (shift > 0 && (m & 1) == 0) {
      m >>= 1;
      --shift;
    }
    int64_t mul = neg ? -static_cast<int64_t>(m) : static_cast<int64_t>(m);
    ir::ValueId prod = src;
    if (mul != 1) prod = b_.op(Op::MulSP, res, {src, constInt(mul).id});
    return shift == 0 ? prod : b_.op(Op::TruncS, res, {prod}, {shift});
  };
  if (E + L > 62) // |b| >= 2^(62-2f-1): one part is all the range allows
    return part((((static_cast<unsigned __int128>(1) << (f_ + E)) + B / 2) / B), E);
  unsigned __int128 m = ((static_cast<unsigned __int128>(1) << (f_ + E + L)) + B / 2) / B;
  unsigned __int128 lo = m & ((static_cast<unsigned __int128>(1) << L) - 1);
  ir::ValueId hi = part(m >> L, E);
  if (lo == 0) return hi;
  Val h{Ty{res}, hi}, l{Ty{res}, part(lo, E + L)};
  return arith(BinaryOp::Add, h, l, res);
}

Val Lowerer::compare(BinaryOp op, Val a, Val b, SMLoc loc, const Ty &res) {
  if (a.cint && b.cint && !res.secret() && res.isScalar()) {
    int64_t x = *a.cint, y = *b.cint;
    bool r = op == BinaryOp::Eq   ? x == y
             : op == BinaryOp::Ne ? x != y
             : op == BinaryOp::Lt ? x < y
             : op == BinaryOp::Le ? x <= y
             : op == BinaryOp::Gt ? x > y
                                  : x >= y;
    return constInt(r, ElemType::Bool);
  }
  bool swap = op == BinaryOp::Gt || op == BinaryOp::Le;
  if (swap) std::swap(a, b);
  bool negate = op == BinaryOp::Le || op == BinaryOp::Ge || op == BinaryOp::Ne;
  bool eq = op == BinaryOp::Eq || op == BinaryOp::Ne;
  Val out;
  out.ty = res;
  if (res.secret()) {
    ir::Type diff = res.withElem(a.ty.elem()).t;
    Val d{Ty{diff}, arith(BinaryOp::Sub, a, b, diff)};
    out.id = b_.op(eq ? Op::EqzS : Op::LtzS, res.t, {d.id});
  } else {
    out.id = b_.op(eq ? Op::EqP : Op::LtP, res.t, {a.id, b.id});
  }
  if (negate) {
    Val one = constInt(1, ElemType::Bool);
    out.id = arith(BinaryOp::Sub, one, out, res.t);
  }
  return out;
}

Val Lowerer::unary(UnaryOp op, Val a, SMLoc loc) {
  if (a.poison()) return a;
  if (a.ty.isVoid) return error(loc, diag::VoidUnaryOperand, spelling(op));
  at(loc);
  if (op == UnaryOp::Neg) {
    if (a.ty.elem() == ElemType::Bool) return error(loc, diag::NegateBool, sema::typeName(a.ty));
    if (a.cint && a.ty.elem() == ElemType::Int) {
      Val r = constInt(static_cast<int64_t>(0 - static_cast<uint64_t>(*a.cint)));
      r.intLit = a.intLit;
      return r;
    }
    if (a.cfix) return constFix(-*a.cfix, loc);
    Val r;
    r.ty = a.ty;
    r.id = b_.op(a.ty.secret() ? Op::NegS : Op::NegP, a.ty.t, {a.id});
    return r;
  }
  if (a.ty.elem() != ElemType::Bool) return error(loc, diag::NotNeedsBool, sema::typeName(a.ty));
  Val one = constInt(1, ElemType::Bool);
  Val r;
  r.ty = a.ty;
  r.id = arith(BinaryOp::Sub, one, a, a.ty.t);
  return r;
}

Val Lowerer::matmul(Val a, Val b, SMLoc loc) {
  std::string pair = sema::typeName(a.ty) + " @ " + sema::typeName(b.ty);
  if (a.ty.isScalar() || b.ty.isScalar()) return error(loc, diag::MatMulOfScalar, pair);
  if (a.ty.elem() != b.ty.elem() || a.ty.elem() == ElemType::Bool)
    return error(loc, diag::MatMulTypeMismatch, pair);
  uint32_t m = a.ty.t.ndims == 2 ? a.ty.t.rows : 1;
  uint32_t k = a.ty.t.ndims == 2 ? a.ty.t.cols : a.ty.t.rows;
  uint32_t kb = b.ty.t.rows;
  uint32_t n = b.ty.t.ndims == 2 ? b.ty.t.cols : 1;
  if (k != kb) return error(loc, diag::MatMulShapeMismatch, pair, k, kb);
  if (uint64_t(m) * n > uint64_t(sema::kMaxElems))
    return error(loc, diag::MatMulTooLarge, pair, uint64_t(m) * n, sema::kMaxElems);
  Vis vis = a.ty.secret() || b.ty.secret() ? Vis::Secret : Vis::Public;
  Ty res = Ty::scalar(vis, a.ty.elem());
  if (a.ty.t.ndims == 2 && b.ty.t.ndims == 2) {
    res.t.ndims = 2;
    res.t.rows = m;
    res.t.cols = n;
  } else if (a.ty.t.ndims == 2) {
    res.t.ndims = 1;
    res.t.rows = m;
  } else if (b.ty.t.ndims == 2) {
    res.t.ndims = 1;
    res.t.rows = n;
  }
  bool sa = a.ty.secret(), sb = b.ty.secret();
  Op o = sa && sb ? Op::MatMulSS : sa ? Op::MatMulSP : sb ? Op::MatMulPS : Op::MatMulP;
  Val out;
  out.ty = res;
  out.id = b_.op(o, res.t, {a.id, b.id}, {m, k, n});
  if (res.elem() == ElemType::Fix) out.id = truncFix(out.id, res.t);
  return out;
}

Val Lowerer::coerce(Val v, const Ty &target, SMLoc loc, const std::string &what) {
  if (v.poison() || target.poison) return Val::error();
  if (v.ty.isVoid) return error(loc, diag::VoidValue, what, sema::typeName(target));
  if (target.elem() == ElemType::Fix && v.ty.elem() == ElemType::Int && v.intLit) {
    Val f = literalToFix(v);
    if (f.poison()) return f;
    v = f;
  }
  if (v.ty.elem() != target.elem())
    return error(loc, diag::ValueTypeMismatch, what, sema::typeName(target), sema::typeName(v.ty),
                 sema::elemName(target.t.vis, target.elem()));
  if (!v.ty.sameShape(target))
    return error(loc, diag::ValueShapeMismatch, what, sema::shapeName(target),
                 sema::shapeName(v.ty));
  if (v.ty.secret() && !target.secret())
    return error(loc, diag::SecretAsPublic, sema::typeName(v.ty), what, sema::typeName(target));
  if (!v.ty.secret() && target.secret()) {
    at(loc);
    v = toSecret(v);
  }
  v.intLit = false;
  return v;
}

Val Lowerer::selectVals(Val c, Val a, Val b, SMLoc loc) {
  if (c.poison() || a.poison() || b.poison()) return Val::error();
  if (c.ty.elem() != ElemType::Bool)
    return error(loc, diag::SelectConditionNotBool, sema::typeName(c.ty));
  if (a.ty.elem() == ElemType::Fix && b.intLit) b = literalToFix(b);
  if (b.ty.elem() == ElemType::Fix && a.intLit) a = literalToFix(a);
  if (a.poison() || b.poison()) return Val::error();
  if (a.ty.elem() != b.ty.elem())
    return error(loc, diag::SelectTypeMismatch, sema::typeName(a.ty), sema::typeName(b.ty));
  Ty shape = !a.ty.isScalar() ? a.ty : !b.ty.isScalar() ? b.ty : c.ty;
  for (const Val *v : {&a, &b, &c})
    if (!v->ty.isScalar() && !v->ty.sameShape(shape))
      return error(loc, diag::SelectShapeMismatch, sema::typeName(c.ty), sema::typeName(a.ty),
                   sema::typeName(b.ty));
  at(loc);
  Vis vab = a.ty.secret() || b.ty.secret() ? Vis::Secret : Vis::Public;
  Vis vis = vab == Vis::Secret || c.ty.secret() ? Vis::Secret : Vis::Public;
  Ty abShape = !a.ty.isScalar() ? a.ty : b.ty;
  // b + c * (a - b): c is 0 or 1, so the product needs no truncation.
  Val d{Ty::scalar(vab, a.ty.elem()).withShape(abShape), ir::kNoValue};
  d.id = arith(BinaryOp::Sub, a, b, d.ty.t);
  Ty res = Ty::scalar(vis, a.ty.elem()).withShape(shape);
  Val cd{res, arith(BinaryOp::Mul, c, d, res.t)};
  Val out{res, arith(BinaryOp::Add, b, cd, res.t)};
  return out;
}

Val Lowerer::divSecret(const Val &a, const Val &b, const Ty &res) {
  // a / b for a secret fix divisor b (any shape; a broadcasts), in steps:
  //  1. sign: s = ltz(b), g = 1 - 2s, X = |b| (raw, scaled by 2^f);
  //  2. one vectorised comparison of X against 2^k, k = 1..K, gives the bits
  //     c_k = [X < 2^k]; with X in [2^j, 2^(j+1)) the public weights turn
  //     them into the secret integer M = 2^(K-j) (exact, no interaction);
  //  3. bn = X * M / 2^(K-f) is |b| normalised into [1, 2);
  //  4. yn = 1 / bn: start 24/17 - 8/17 bn (relative error <= 1/17), then 3
  //     Newton steps y <- y (2 - bn y): error far below 2^-f;
  //  5. a / |b| = (a * M / 2^(K-f)) * yn, then the sign g.
  // Precision: about 2^-(f-1) relative plus 2^-f absolute. Range: |b| below
  // 2^(K-f) (2^20 for f = 16) and |a / b| below 2^(62-K) (2^26); b = 0 gives
  // an unspecified value.
  const int K = 2 * f_ + 4;
  const ir::Type tb = b.ty.t;
  ir::Type tbBool = tb, tbInt = tb;
  tbBool.elem = ElemType::Bool;
  tbInt.elem = ElemType::Int;
  uint32_t L = tb.len();
  Val s{Ty{tbBool}, b_.op(Op::LtzS, tbBool, {b.id})};
  Val two = constInt(2), one = constInt(1);
  Val s2{Ty{tbInt}, b_.op(Op::MulSP, tbInt, {s.id, two.id})};
  Val sgn{Ty{tbInt}, arith(BinaryOp::Sub, one, s2, tbInt)};
  Val X{Ty{tbInt}, b_.op(Op::MulSS, tbInt, {b.id, sgn.id})};

  ir::Type rep;
  rep.vis = Vis::Secret;
  rep.elem = ElemType::Int;
  rep.ndims = 1;
  rep.rows = L * uint32_t(K);
  ir::Type pubK = rep, pubRep = rep;
  pubK.vis = pubRep.vis = Vis::Public;
  pubK.rows = uint32_t(K);
  std::vector<uint64_t> thr(K), w(K);
  for (int k = 1; k <= K; ++k) {
    thr[k - 1] = uint64_t(1) << k;
    // First set bit at k = j + 1 must yield M = 2^(K-j) = 2^(K-k+1).
    uint64_t m = uint64_t(1) << (K - k + 1), mNext = k < K ? uint64_t(1) << (K - k) : 0;
    w[k - 1] = m - mNext;
  }
  ir::ValueId xRep = b_.op(Op::SliceS, rep, {X.id}, {0, K, 1, 0});
  ir::ValueId thrK = b_.constant(pubK, thr), wK = b_.constant(pubK, w);
  if (L > 1) {
    thrK = b_.op(Op::SliceP, pubRep, {thrK}, {0, K, 0, 1});
    wK = b_.op(Op::SliceP, pubRep, {wK}, {0, K, 0, 1});
  }
  ir::ValueId diff = b_.op(Op::SubSP, rep, {xRep, thrK});
  ir::Type repB = rep;
  repB.elem = ElemType::Bool;
  ir::ValueId c = b_.op(Op::LtzS, repB, {diff});
  ir::ValueId mParts = b_.op(Op::MulSP, rep, {c, wK});
  Val M{Ty{tbInt}, b_.op(Op::SumS, tbInt, {mParts})};

  const ir::Type tf = b.ty.t; // secret fix, b's shape
  Ty tfTy{tf};
  Val bn{tfTy, b_.op(Op::TruncS, tf, {b_.op(Op::MulSS, tf, {X.id, M.id})}, {K - f_})};
  Val c1 = constFix(24.0 / 17.0, SMLoc()), c2 = constFix(8.0 / 17.0, SMLoc());
  Val t0{tfTy, truncFix(b_.op(Op::MulSP, tf, {bn.id, c2.id}), tf)};
  Val y{tfTy, arith(BinaryOp::Sub, c1, t0, tf)};
  Val twoF = constFix(2.0, SMLoc());
  for (int i = 0; i < 3; ++i) {
    Val by{tfTy, truncFix(b_.op(Op::MulSS, tf, {bn.id, y.id}), tf)};
    Val u{tfTy, arith(BinaryOp::Sub, twoF, by, tf)};
    y.id = truncFix(b_.op(Op::MulSS, tf, {y.id, u.id}), tf);
  }
  ir::Type tr = res.t; // result shape: broadcast of a and b
  Val aM{res, b_.op(Op::TruncS, tr, {arith(BinaryOp::Mul, a, M, tr)}, {K - f_})};
  Val q{res, truncFix(arith(BinaryOp::Mul, aM, y, tr), tr)};
  Val out{res, arith(BinaryOp::Mul, q, sgn, tr)};
  return out;
}

} // namespace smpc::lower

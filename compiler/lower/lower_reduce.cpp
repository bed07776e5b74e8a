//===- lower_reduce.cpp - sum, prod, max, min, argmax, argmin -------------===//
//
// A reduction works on the rows of an R x C row-major value: all elements
// (R = 1), along each row (axis=1) or, after a local transpose, down each
// column (axis=0). sum is local. The others are pairwise trees: each level
// combines columns 2j and 2j+1 of every row at once (one vector operation per
// level, an odd last column passes through), so n elements take ceil(log2 n)
// levels: for max/min/argmax/argmin one comparison round group plus one
// multiplication round each, for prod one multiplication (and truncation).
// Adjacent pairing keeps each element's candidates a contiguous block of the
// input, so ties go to the lowest index, as NumPy's argmax does.
//===----------------------------------------------------------------------===//
#include "compiler/lower/lower.h"

namespace smpc::lower {

using bc::ElemType;
using bc::Op;
using ir::Vis;

namespace {

// Type of an intermediate of `len` elements: a scalar at the end of a full
// reduction, else a vector.
Ty partTy(const Ty &elem, int64_t len, bool full) {
  Ty t = elem.asScalar();
  if (full && len == 1) return t;
  t.t.ndims = 1;
  t.t.rows = uint32_t(len);
  t.t.cols = 1;
  return t;
}

} // namespace

Val Lowerer::reduce(const std::string &n, Val x, std::optional<int64_t> axis, SMLoc loc) {
  const Ty &t = x.ty;
  if (t.elem() == ElemType::Bool) return error(loc, diag::ReduceOfBool, n, sema::typeName(t));
  const bool arg = n == "argmax" || n == "argmin";
  const Ty idxElem = Ty::scalar(t.t.vis, ElemType::Int);
  if (axis && t.t.ndims != 2 && !(t.t.ndims == 1 && *axis != 1))
    return t.t.ndims == 1 ? error(loc, diag::AxisOfVector, *axis, n, sema::typeName(t))
                          : error(loc, diag::AxisOfScalar, *axis, n, sema::typeName(t));
  if (t.isScalar()) {
    if (!arg) return x;
    Val zero = constInt(0);
    return t.secret() ? toSecret(zero) : zero;
  }
  // Rows R and columns C of the matrix whose rows are reduced.
  const bool full = !axis || t.t.ndims == 1;
  int64_t R = 1, C = t.t.len();
  Val v = x;
  v.ty = partTy(t, t.t.len(), false);
  if (!full) {
    bool down = *axis == 0; // one result per column: reduce the transpose
    R = down ? t.t.cols : t.t.rows;
    C = down ? t.t.rows : t.t.cols;
    if (down)
      v.id =
          b_.op(t.secret() ? Op::SliceS : Op::SliceP, v.ty.t, {x.id}, {0, t.t.rows, 1, t.t.cols});
  }
  at(loc);
  if (n == "sum") {
    Val r;
    r.ty = partTy(t, R, full);
    r.id = b_.op(t.secret() ? Op::SumS : Op::SumP, r.ty.t, {v.id});
    return r;
  }
  // Column j of every row: slice pattern off j, R rows of one element.
  auto cols = [&](const Val &m, int64_t width, int64_t first, int64_t count, int64_t step,
                  const Ty &elem) {
    Val r;
    r.ty = partTy(elem, R * count, full);
    r.id =
        b_.op(m.ty.secret() ? Op::SliceS : Op::SliceP, r.ty.t, {m.id}, {first, count, width, step});
    return r;
  };
  if (C == 1) {
    // One element per row is its own maximum (argmax: index 0), in the
    // result's shape: a scalar for a full reduction, one per row otherwise.
    if (!arg) return cols(v, 1, 0, 1, 0, t);
    Val zero = constInt(0);
    Ty rt = partTy(idxElem, R, full);
    if (rt.isScalar()) return rt.secret() ? toSecret(zero) : zero;
    return Val{rt, b_.op(rt.secret() ? Op::Classify : Op::MovP, rt.t, {zero.id})};
  }
  // Block offset of each candidate (argmax/argmin): 0 for every element at
  // the start; a winner's index within its block of 2^level inputs.
  Val off = constInt(0);
  int64_t block = 1;
  while (C > 1) {
    const int64_t h = C / 2;
    const bool odd = C % 2 != 0;
    const int64_t next = h + (odd ? 1 : 0);
    Val a = cols(v, C, 0, h, 2, t), b = cols(v, C, 1, h, 2, t);
    Val m, o;
    if (n == "prod") {
      m = binary(BinaryOp::Mul, a, b, loc);
    } else {
      // c = 1 where b wins: strictly larger for max (ties keep the lower
      // index), strictly smaller for min.
      bool wantMax = n == "max" || n == "argmax";
      Val c = wantMax ? binary(BinaryOp::Lt, a, b, loc) : binary(BinaryOp::Lt, b, a, loc);
      m = selectVals(c, b, a, loc);
      if (arg) {
        Val oa = off, ob = off;
        if (!off.ty.isScalar()) {
          oa = cols(off, C, 0, h, 2, idxElem.withVis(off.ty.t.vis));
          ob = cols(off, C, 1, h, 2, idxElem.withVis(off.ty.t.vis));
        }
        Val bl = constInt(block);
        Val obAbs = binary(BinaryOp::Add, ob, bl, loc);
        o = selectVals(c, obAbs, oa, loc);
      }
    }
    if (m.poison()) return m;
    if (odd) {
      // The last column joins the next level unchanged.
      Val last = cols(v, C, C - 1, 1, 0, t);
      Ty nt = partTy(t, R * next, false);
      Val zero = constInt(0, t.elem());
      Val acc{nt, b_.op(nt.secret() ? Op::Classify : Op::MovP, nt.t, {zero.id})};
      acc.id = b_.op(nt.secret() ? Op::StoreS : Op::StoreP, nt.t, {acc.id, m.id}, {0, h, next, 1});
      acc.id =
          b_.op(nt.secret() ? Op::StoreS : Op::StoreP, nt.t, {acc.id, last.id}, {h, 1, next, 0});
      m = acc;
      if (arg) {
        // The passed-through column keeps its offset (0 while the offsets
        // are still the initial scalar).
        Ty ot = partTy(o.ty, R * next, false);
        Val z = constInt(0);
        Val oacc{ot, b_.op(ot.secret() ? Op::Classify : Op::MovP, ot.t, {z.id})};
        oacc.id =
            b_.op(ot.secret() ? Op::StoreS : Op::StoreP, ot.t, {oacc.id, o.id}, {0, h, next, 1});
        if (!off.ty.isScalar()) {
          Val lo = cols(off, C, C - 1, 1, 0, off.ty);
          if (ot.secret() && !lo.ty.secret()) lo = toSecret(lo);
          oacc.id =
              b_.op(ot.secret() ? Op::StoreS : Op::StoreP, ot.t, {oacc.id, lo.id}, {h, 1, next, 0});
        }
        o = oacc;
      }
    }
    v = m;
    if (arg) off = o;
    C = next;
    block *= 2;
  }
  if (!arg) return v;
  return off;
}

} // namespace smpc::lower

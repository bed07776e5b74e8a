//===- lower_sort.cpp - sort, sort_by, argsort, shuffle, cumsum, reshape --===//
//
// Secret keys are sorted by an oblivious LSD radix sort built from a secret
// shuffle (docs/language.md, "Sorting"; docs/protocols.md has the
// primitives). One pass per key bit, least significant first (64 for int and
// fix keys, 1 for bool), each a stable partition by that bit:
//   b    = bit i of the residual y (bit.s: exact because the bits below i
//          were already subtracted from y)
//   dest = stable destination of each row: zeros first in their order, then
//          ones: (count of zeros up to it) - 1, or Z + (count of ones up to
//          it) - 1 with Z the number of zeros; one multiplication selects
//   rows = [dest, y, keys, payload...] shuffled together (shuffle.s), then
//          dest opened: it is a uniformly random permutation of 0..n-1 that
//          says nothing about the data, and the rows are placed by it with a
//          local scatter. From pass ceil(log2 n) on, dest rides in y's zero
//          low bits (one word fewer per row; see radixPasses).
// When values move with the keys (sort_by, argsort), the passes carry each
// row's origin instead of the key and values (rows of 3 words whatever the
// values' width), and two unsorts at the end place the rows (radixSort).
// Keys are offset by 2^63 so that signed order is the unsigned order of the
// bits. Public keys take the same passes with public arithmetic and no
// shuffle. Every pass is unrolled: the bit position is an immediate.
//===----------------------------------------------------------------------===//
#include "compiler/lower/lower.h"
#include "compiler/sema/const_eval.h"

#include <optional>

namespace smpc::lower {

using bc::ElemType;
using bc::Op;
using ir::Vis;

namespace {

ir::Type vecType(Vis v, ElemType e, uint64_t len) {
  ir::Type t;
  t.vis = v;
  t.elem = e;
  t.ndims = 1;
  t.rows = uint32_t(len);
  t.cols = 1;
  return t;
}

// Elements per row a value contributes to the packed rows: 1 for a vector, the
// column count for a matrix.
uint32_t rowWidth(const Ty &t) {
  return t.t.ndims == 2 ? t.t.cols : 1;
}

} // namespace

Val Lowerer::iota(uint64_t n, Vis vis) {
  // 0..n-1 as prefix sums of ones, so no n-element constant is needed.
  ir::Type pt = vecType(Vis::Public, ElemType::Int, n);
  Val one = constInt(1);
  ir::ValueId ones = b_.op(Op::MovP, pt, {one.id});
  ir::ValueId cs = b_.op(Op::CumSumP, pt, {ones}, {int64_t(n)});
  Val r{Ty{pt}, b_.op(Op::SubP, pt, {cs, one.id})};
  return vis == Vis::Secret ? toSecret(r) : r;
}

std::vector<Val> Lowerer::radixSort(Val keys, std::vector<Val> payload, SMLoc loc) {
  const uint64_t n = keys.ty.t.rows;
  uint32_t width = 1;
  for (const Val &p : payload)
    width += rowWidth(p.ty);
  // Public keys move nothing through a shuffle; a bool key takes one pass.
  if (!keys.ty.secret() || keys.ty.elem() == ElemType::Bool || width < 2)
    return radixPasses(keys, std::move(payload), true, loc);
  // Wider rows: only each row's origin goes through the 64 passes, and the
  // keys and values move once at the end, by the rank of each row (2 more
  // shuffles instead of 64 shuffles of width - 1 more words per row).
  at(loc);
  Val perm = radixPasses(keys, {iota(n, Vis::Secret)}, false, loc)[1]; // row at sorted place p
  Val rank = unsort(iota(n, Vis::Public), perm, loc);                  // sorted place of row r
  std::vector<Val> cols{keys};
  for (Val &p : payload)
    cols.push_back(p.ty.secret() ? p : toSecret(p));
  at(loc);
  ir::Type mt = vecType(Vis::Secret, ElemType::Int, n * width);
  mt.ndims = 2;
  mt.rows = uint32_t(n);
  mt.cols = width;
  Val zero = constInt(0);
  Val m{Ty{mt}, b_.op(Op::Classify, mt, {zero.id})};
  uint32_t off = 0;
  for (const Val &c : cols) {
    m.id = b_.op(Op::StoreS, mt, {m.id, c.id}, {off, rowWidth(c.ty), width, 1});
    off += rowWidth(c.ty);
  }
  m = unsort(m, rank, loc);
  std::vector<Val> out;
  off = 0;
  for (const Val &c : cols) {
    Val v = c;
    v.cint.reset();
    v.id = b_.op(Op::SliceS, c.ty.t, {m.id}, {off, rowWidth(c.ty), width, 1});
    off += rowWidth(c.ty);
    out.push_back(v);
  }
  return out;
}

// Bit i of the residual key y (which then loses it unless it is the last)
// and each row's stable destination for this pass: zeros first, then ones,
// each in their order.
ir::ValueId Lowerer::radixDest(ir::ValueId &y, int i, bool last, bool isBool, const ir::Type &it) {
  const bool secret = it.vis == Vis::Secret;
  const uint64_t n = it.rows;
  auto op = [&](Op o, const ir::Type &t, std::vector<ir::ValueId> ops,
                std::vector<int64_t> imms = {}) {
    return b_.op(o, t, std::move(ops), std::move(imms));
  };
  Val one = constInt(1);
  ir::ValueId b;
  if (isBool) {
    b = y;
  } else if (secret) {
    b = op(Op::BitS, it, {y}, {i});
  } else if (i < 63) { // (y >> i) - 2 (y >> (i + 1)), exact for arithmetic shifts
    ir::ValueId hi = op(Op::ShrP, it, {y}, {i + 1});
    ir::ValueId lo = op(Op::ShrP, it, {y}, {i});
    b = op(Op::SubP, it, {lo, op(Op::ShlP, it, {hi}, {1})});
  } else {
    Val zero = constInt(0);
    b = op(Op::LtP, it, {y, zero.id});
  }
  if (!last && !isBool) {
    Val w = constInt(int64_t(uint64_t(1) << i));
    ir::ValueId bw = op(secret ? Op::MulSP : Op::MulP, it, {b, w.id});
    y = op(secret ? Op::SubSS : Op::SubP, it, {y, bw});
  }
  // Stable destinations: zeros first, then ones, each in their order.
  ir::ValueId nb = op(secret ? Op::SubPS : Op::SubP, it, {one.id, b});
  ir::ValueId c0 = op(secret ? Op::CumSumS : Op::CumSumP, it, {nb}, {int64_t(n)});
  ir::ValueId c1 = op(secret ? Op::CumSumS : Op::CumSumP, it, {b}, {int64_t(n)});
  ir::Type st = it;
  st.ndims = 0;
  st.rows = 1;
  ir::ValueId zeros = op(secret ? Op::SliceS : Op::SliceP, st, {c0}, {int64_t(n - 1), 1, 1, 0});
  ir::ValueId d0 = op(secret ? Op::SubSP : Op::SubP, it, {c0, one.id});
  ir::ValueId d1 = op(secret ? Op::AddSS : Op::AddP, it, {c1, zeros});
  d1 = op(secret ? Op::SubSP : Op::SubP, it, {d1, one.id});
  ir::ValueId diff = op(secret ? Op::SubSS : Op::SubP, it, {d1, d0});
  ir::ValueId sel = op(secret ? Op::MulSS : Op::MulP, it, {b, diff});
  return op(secret ? Op::AddSS : Op::AddP, it, {d0, sel});
}

std::vector<Val> Lowerer::radixPasses(Val keys, std::vector<Val> payload, bool carryKeys,
                                      SMLoc loc) {
  at(loc);
  const uint64_t n = keys.ty.t.rows;
  const bool secret = keys.ty.secret();
  const Vis vis = secret ? Vis::Secret : Vis::Public;
  const bool isBool = keys.ty.elem() == ElemType::Bool;
  const int bits = isBool ? 1 : 64;
  const ir::Type it = vecType(vis, ElemType::Int, n);
  const ir::Type pt = vecType(Vis::Public, ElemType::Int, n);
  for (Val &p : payload)
    if (secret && !p.ty.secret()) p = toSecret(p);
  auto op = [&](Op o, const ir::Type &t, std::vector<ir::ValueId> ops,
                std::vector<int64_t> imms = {}) { return b_.op(o, t, std::move(ops), imms); };
  // y: the key bits not yet used, as an unsigned ring integer.
  ir::ValueId y = keys.id;
  if (!isBool) {
    Val flip = constInt(INT64_MIN);
    y = op(secret ? Op::AddSP : Op::AddP, it, {keys.id, flip.id});
  }
  ir::ValueId x = keys.id;
  std::vector<ir::ValueId> pay;
  for (const Val &p : payload)
    pay.push_back(p.id);

  // Destinations are below 2^destBits. From pass destBits on, the low
  // destBits + 1 bits of y are zero, so the destination rides in them (one
  // word fewer per row through the shuffle): w = y + dest, and
  // w * 2^(63 - destBits) = dest * 2^(63 - destBits) in the ring, since y's
  // part overflows away. Opening that reveals dest and nothing else (the
  // shuffled shares are fresh), and y = w - dest afterwards.
  int destBits = 0;
  while (destBits < 63 && (uint64_t(1) << destBits) < n)
    ++destBits;
  std::optional<Val> places; // 0..n-1, the destinations after the scatter
  for (int i = 0; i < bits; ++i) {
    const bool last = i + 1 == bits;
    const ir::ValueId dest = radixDest(y, i, last, isBool, it);
    const bool hasY = !last && !isBool;
    const bool packed = secret && hasY && i >= destBits;
    // The rows that move: [dest (secret only), y (if more passes), keys,
    // payload], or [y + dest, keys, payload] once packed.
    std::vector<ir::ValueId> cols;
    std::vector<uint32_t> widths;
    std::vector<ir::Type> types;
    if (secret) {
      cols.push_back(packed ? op(Op::AddSS, it, {y, dest}) : dest);
      widths.push_back(1);
      types.push_back(it);
    }
    const size_t yCol = packed ? 0 : cols.size();
    if (hasY && !packed) {
      cols.push_back(y);
      widths.push_back(1);
      types.push_back(it);
    }
    const size_t xCol = carryKeys ? cols.size() : SIZE_MAX;
    if (carryKeys) {
      cols.push_back(x);
      widths.push_back(1);
      types.push_back(keys.ty.t);
    }
    const size_t payCol = cols.size();
    for (size_t k = 0; k < pay.size(); ++k) {
      cols.push_back(pay[k]);
      widths.push_back(rowWidth(payload[k].ty));
      types.push_back(payload[k].ty.t);
    }
    // Moves the rows of the columns `which` (all of one bank) to `pos`; for
    // secret keys the rows are shuffled first and the shuffled dest opened.
    auto move = [&](const std::vector<size_t> &which, bool sbank) {
      uint32_t w = 0;
      for (size_t k : which)
        w += widths[k];
      const Op store = sbank ? Op::StoreS : Op::StoreP, slice = sbank ? Op::SliceS : Op::SliceP;
      ir::Type mt = vecType(sbank ? Vis::Secret : Vis::Public, ElemType::Int, n * w);
      Val zero = constInt(0);
      ir::ValueId m = op(sbank ? Op::Classify : Op::MovP, mt, {zero.id});
      uint32_t off = 0;
      for (size_t k : which) {
        m = op(store, mt, {m, cols[k]}, {off, widths[k], w, 1});
        off += widths[k];
      }
      ir::ValueId pos = dest;
      if (secret) {
        m = op(Op::ShuffleS, mt, {m}, {w});
        ir::ValueId first = op(Op::SliceS, it, {m}, {0, 1, w, 0});
        if (packed) {
          const int up = 63 - destBits;
          Val scale = constInt(int64_t(uint64_t(1) << up));
          first = op(Op::MulSP, it, {first, scale.id});
          pos = op(Op::ShrP, pt, {op(Op::Open, pt, {first})}, {up});
        } else {
          pos = op(Op::Open, pt, {first});
        }
      }
      m = op(sbank ? Op::ScatterS : Op::ScatterP, mt, {m, pos}, {w});
      off = 0;
      for (size_t k : which) {
        ir::ValueId v = op(slice, types[k], {m}, {off, widths[k], w, 1});
        off += widths[k];
        if (k == xCol) {
          x = v;
        } else if (k >= payCol) {
          pay[k - payCol] = v;
        } else if (hasY && k == yCol) {
          // Packed: each row now sits at its destination, so dest = place.
          if (packed && !places) places = iota(n, Vis::Public);
          y = packed ? op(Op::SubSP, it, {v, places->id}) : v;
        }
      }
    };
    if (secret) {
      std::vector<size_t> all(cols.size());
      for (size_t k = 0; k < all.size(); ++k)
        all[k] = k;
      move(all, true);
    } else {
      // Public keys: public destinations, no shuffle; each bank by itself.
      std::vector<size_t> pub, sec;
      for (size_t k = 0; k < cols.size(); ++k)
        (types[k].isSecret() ? sec : pub).push_back(k);
      if (!pub.empty()) move(pub, false);
      if (!sec.empty()) move(sec, true);
    }
  }
  std::vector<Val> out;
  Val sx = keys;
  sx.id = x;
  sx.cint.reset();
  out.push_back(sx);
  for (size_t k = 0; k < pay.size(); ++k) {
    Val v = payload[k];
    v.id = pay[k];
    out.push_back(v);
  }
  return out;
}

std::vector<Val> Lowerer::sortBuiltin(const Expr &e, std::vector<Val> &args) {
  const std::string &n = e.name;
  Val keys = args[0];
  if (keys.ty.t.ndims != 1)
    return {keys.ty.t.ndims == 2 ? error(e.loc, diag::SortOfMatrix, n, sema::typeName(keys.ty))
                                 : error(e.loc, diag::SortNeedsVector, n, sema::typeName(keys.ty))};
  const uint64_t len = keys.ty.t.rows;
  std::vector<Val> payload;
  if (n == "argsort") {
    payload.push_back(iota(len, keys.ty.t.vis));
  } else {
    for (size_t i = 1; i < args.size(); ++i) {
      const Val &v = args[i];
      if (v.ty.isScalar() || v.ty.t.rows != len)
        return {error(e.kids[i]->loc, diag::SortValueRows, i + 1, n, sema::typeName(v.ty), len)};
      payload.push_back(v);
    }
  }
  // A value that is the key vector itself is not carried twice.
  std::vector<Val> carried;
  std::vector<size_t> slot(payload.size());
  for (size_t i = 0; i < payload.size(); ++i) {
    if (payload[i].id == keys.id && payload[i].ty.t == keys.ty.t) {
      slot[i] = 0;
      continue;
    }
    slot[i] = carried.size() + 1;
    carried.push_back(payload[i]);
  }
  std::vector<Val> sorted = radixSort(keys, carried, e.loc);
  if (n == "sort") return {sorted[0]};
  std::vector<Val> out;
  for (size_t i = 0; i < payload.size(); ++i)
    out.push_back(sorted[slot[i]]);
  return out;
}

std::vector<Val> Lowerer::multiValue(const Expr &e, size_t want) {
  if (e.kind != front::ExprKind::Call || e.name != "sort_by" || !e.member.empty() ||
      lookup(e.name)) {
    expr(e);
    return {error(e.loc, diag::NotMultiValued)};
  }
  std::vector<Val> args;
  for (size_t i = 0; i < e.kids.size(); ++i)
    args.push_back(expr(*e.kids[i]));
  at(e.loc);
  Val check = builtinChecks(e, args);
  if (check.poison()) return {check};
  if (args.size() - 1 != want)
    return {
        error(e.loc, diag::TupleCountMismatch, args.size() - 1, args.size() == 2 ? "" : "s", want)};
  return sortBuiltin(e, args);
}

Val Lowerer::unsort(Val x, Val order, SMLoc loc) {
  const Ty &ot = order.ty;
  if (ot.t.ndims != 1 || ot.elem() != ElemType::Int)
    return error(loc, diag::UnsortOrderType, sema::typeName(ot));
  const uint64_t n = ot.t.rows;
  if (x.ty.isScalar() || x.ty.t.rows != n)
    return error(loc, diag::UnsortRows, sema::typeName(x.ty), n);
  at(loc);
  const bool secret = ot.secret();
  if (secret && !x.ty.secret()) x = toSecret(x);
  const uint32_t w = rowWidth(x.ty);
  const bool sx = x.ty.secret();
  Val r = x;
  r.cint.reset();
  if (!secret) {
    r.id = b_.op(sx ? Op::ScatterS : Op::ScatterP, x.ty.t, {x.id, order.id}, {w});
    return r;
  }
  // [order, x] rows shuffled together; the shuffled order is a uniformly
  // random arrangement of 0..n-1 and is opened to place the rows.
  const ir::Type mt = vecType(Vis::Secret, ElemType::Int, n * (w + 1));
  Val zero = constInt(0);
  ir::ValueId m = b_.op(Op::Classify, mt, {zero.id});
  m = b_.op(Op::StoreS, mt, {m, order.id}, {0, 1, w + 1, 1});
  m = b_.op(Op::StoreS, mt, {m, x.id}, {1, w, w + 1, 1});
  m = b_.op(Op::ShuffleS, mt, {m}, {w + 1});
  ir::ValueId pos =
      b_.op(Op::Open, vecType(Vis::Public, ElemType::Int, n),
            {b_.op(Op::SliceS, vecType(Vis::Secret, ElemType::Int, n), {m}, {0, 1, w + 1, 0})});
  m = b_.op(Op::ScatterS, mt, {m, pos}, {w + 1});
  r.id = b_.op(Op::SliceS, x.ty.t, {m}, {1, w, w + 1, 1});
  return r;
}

Val Lowerer::arange(const Expr &e) {
  auto n = sema::evalConst(diags_, *e.kids[0], cur_->consts, "the size of arange");
  if (!n) return Val::error();
  if (*n < 1 || *n > sema::kMaxElems)
    return error(e.kids[0]->loc, diag::BuiltinSizeOutOfRange, "arange", *n, sema::kMaxElems);
  at(e.loc);
  return iota(uint64_t(*n), Vis::Public);
}

Val Lowerer::shuffle(Val x, SMLoc loc) {
  if (x.ty.isScalar()) return error(loc, diag::ShuffleNeedsArray, sema::typeName(x.ty));
  if (!x.ty.secret()) x = toSecret(x);
  at(loc);
  Val r = x;
  r.id = b_.op(Op::ShuffleS, x.ty.t, {x.id}, {rowWidth(x.ty)});
  return r;
}

Val Lowerer::cumsum(Val x, std::optional<int64_t> axis, SMLoc loc) {
  const Ty &t = x.ty;
  if (t.elem() == ElemType::Bool)
    return error(loc, diag::ReduceOfBool, "cumsum", sema::typeName(t));
  if (axis && t.t.ndims != 2 && !(t.t.ndims == 1 && *axis != 1))
    return t.t.ndims == 1 ? error(loc, diag::AxisOfVector, *axis, "cumsum", sema::typeName(t))
                          : error(loc, diag::AxisOfScalar, *axis, "cumsum", sema::typeName(t));
  if (t.isScalar()) return x;
  at(loc);
  const bool s = t.secret();
  Val r = x;
  r.cint.reset();
  if (t.t.ndims == 1 || !axis) { // NumPy: without axis, the flattened prefix sums
    r.ty.t.ndims = 1;
    r.ty.t.rows = t.t.len();
    r.ty.t.cols = 1;
    r.id = b_.op(s ? Op::CumSumS : Op::CumSumP, r.ty.t, {x.id}, {int64_t(t.t.len())});
    return r;
  }
  if (*axis != 0) {
    r.id = b_.op(s ? Op::CumSumS : Op::CumSumP, t.t, {x.id}, {int64_t(t.t.cols)});
    return r;
  }
  // Down the rows: prefix sums of the transpose, transposed back.
  ir::Type tt = t.t;
  std::swap(tt.rows, tt.cols);
  const Op sl = s ? Op::SliceS : Op::SliceP;
  ir::ValueId tr = b_.op(sl, tt, {x.id}, {0, t.t.rows, 1, t.t.cols});
  ir::ValueId cs = b_.op(s ? Op::CumSumS : Op::CumSumP, tt, {tr}, {int64_t(t.t.rows)});
  r.id = b_.op(sl, t.t, {cs}, {0, t.t.cols, 1, t.t.rows});
  return r;
}

Val Lowerer::reshape(const Expr &e, Val x) {
  int64_t dims[2] = {1, 1};
  for (size_t i = 1; i < e.kids.size(); ++i) {
    auto d = sema::evalConst(diags_, *e.kids[i], cur_->consts, "a reshape size");
    if (!d) return Val::error();
    if (*d < 1 || *d > sema::kMaxElems)
      return error(e.kids[i]->loc, diag::BuiltinSizeOutOfRange, "reshape", *d, sema::kMaxElems);
    dims[i - 1] = *d;
  }
  if (dims[0] * dims[1] != int64_t(x.ty.t.len())) {
    // Built by appending: GCC 12 warns (-Wrestrict) about "[" + to_string().
    std::string shape = "[";
    shape += std::to_string(dims[0]);
    if (e.kids.size() == 3) {
      shape += ", ";
      shape += std::to_string(dims[1]);
    }
    shape += "]";
    return error(e.loc, diag::ReshapeMismatch, sema::typeName(x.ty), x.ty.t.len(), shape);
  }
  at(e.loc);
  Val r = x;
  r.cint.reset();
  r.ty.t.ndims = uint8_t(e.kids.size() - 1);
  r.ty.t.rows = uint32_t(dims[0]);
  r.ty.t.cols = uint32_t(dims[1]);
  r.id = b_.op(x.ty.secret() ? Op::MovS : Op::MovP, r.ty.t, {x.id});
  return r;
}

} // namespace smpc::lower

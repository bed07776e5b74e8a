//===- lower.h - check the AST and lower it to the circuit IR -------------===//
//
// One walk does both: every expression is type-, shape- and secrecy-checked
// and, when correct, emitted as IR. Shape-generic functions are checked and
// lowered once per instantiation (monomorphisation). After an error the
// expression gets a poison type and no IR, so one mistake is reported once;
// the module is discarded when there were errors.
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/front/ast.h"
#include "compiler/front/diagnostics.h"
#include "compiler/ir/builder.h"
#include "compiler/ir/ir.h"
#include "compiler/sema/modules.h"
#include "compiler/sema/types.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace smpc::lower {

namespace diag = front::diag;
using front::BinaryOp;
using front::Expr;
using front::SMLoc;
using front::Stmt;
using front::UnaryOp;
using sema::Ty;

/// A checked, lowered expression.
struct Val {
  Val() = default;
  Val(Ty t, ir::ValueId i) : ty(t), id(i) {}
  Ty ty;
  ir::ValueId id = ir::kNoValue;
  std::optional<int64_t> cint; // value of a public int scalar known at compile time
  std::optional<double> cfix;  // value of a fix literal
  bool intLit = false;         // an integer literal: adapts to fix context
  bool poison() const { return ty.poison; }
  static Val error() {
    Val v;
    v.ty = Ty::error();
    return v;
  }
};

struct VarInfo {
  Val v;
  bool isMutable = false;
  SMLoc loc;
};

/// Lowers the whole program into `out`. Errors go to `diags`.
void lowerProgram(front::Diagnostics &diags, const sema::SemaProgram &prog,
                  const std::set<const front::FnDecl *> &recursive, uint8_t fracBits,
                  ir::Module &out);

class Lowerer {
public:
  Lowerer(front::Diagnostics &d, const sema::SemaProgram &p,
          const std::set<const front::FnDecl *> &rec, uint8_t fracBits, ir::Module &m)
      : diags_(d), prog_(p), recursive_(rec), f_(fracBits), mod_(m) {}
  void run();

  // ---- lower.cpp: functions, scopes, errors
  struct FnCtx {
    const front::FnDecl *decl = nullptr;
    bool isMain = false;
    sema::ConstEnv consts; // params and shape variables
    sema::TypeEnv types;   // element-type variables of a generic instance
    std::vector<std::map<std::string, VarInfo>> scopes;
    Ty retTy;
    unsigned depth = 0; // statement nesting (0 = top level of the body)
  };
  uint32_t instantiate(const front::FnDecl &f, const sema::ConstEnv &shapeVars,
                       const sema::TypeEnv &typeVars = {});
  /// Binds the generic parameters of `f` from the argument types of a call;
  /// false (after reporting) when they do not fit.
  bool inferGenerics(const Expr &call, const front::FnDecl &f, std::vector<Val> &args,
                     sema::ConstEnv &shapeVars, sema::TypeEnv &typeVars);
  /// Argument i has another number of dimensions than its parameter type pt:
  /// false (after reporting) when pt has a shape variable, which then could
  /// never be bound; true when coerce reports it with the full types.
  bool rankMismatch(const Expr &call, const front::FnDecl &f, size_t i, const front::TypeExpr &pt,
                    const Ty &at);
  Ty resolve(const front::TypeExpr &t) {
    return sema::resolveType(diags_, t, cur_->consts, &cur_->types);
  }
  void lowerBody(const front::FnDecl &f, FnCtx &ctx, ir::Function &fn);
  /// Reports duplicate, misnamed or unknown-bound generic parameters.
  void checkGenerics(const front::FnDecl &f);
  void mainPrologue();
  VarInfo *lookup(const std::string &name);
  void define(const std::string &name, VarInfo v, SMLoc loc);
  void at(SMLoc loc) { b_.setLoc(diags_.sourceLoc(loc)); }
  /// Reports diagnostic `d` and returns the poison value.
  template <unsigned N, class... A> Val error(SMLoc loc, front::Diag<N> d, const A &...args) {
    diags_.emit(loc, d, args...);
    return Val::error();
  }

  // ---- lower_stmt.cpp
  void block(const front::Block &b);
  void stmt(const Stmt &s);
  void letOrVar(const Stmt &s);
  void letTuple(const Stmt &s);
  void assign(const Stmt &s);
  void forStmt(const Stmt &s);
  void ifStmt(const Stmt &s);
  void whileStmt(const Stmt &s);
  void output(const Stmt &s);
  std::vector<std::string> carriedVars(const front::Block &a, const front::Block *b = nullptr);

  // ---- lower_expr.cpp
  Val expr(const Expr &e);
  Val name(const Expr &e);
  Val call(const Expr &e);
  Val vectorLit(const Expr &e);
  Val denseLit(const Expr &e);
  Val indexExpr(const Expr &e);
  /// Where an index expression points: static or run-time offset and the
  /// slice/store layout (D, E, F of opcodes.def) and result type.
  struct Access {
    bool ok = false;
    bool dynamic = false;
    int64_t off = 0;
    ir::ValueId dynOff = ir::kNoValue;
    int64_t D = 1, E = 0, F = 0;
    Ty elemTy; // type of the selected part
  };
  Access access(const Ty &base, const std::vector<front::IndexPart> &idx, SMLoc loc);
  Val readAccess(const Val &base, const Access &a);
  Val writeAccess(const Val &base, const Access &a, Val value, SMLoc loc);

  // ---- lower_ops.cpp
  Val binary(BinaryOp op, Val a, Val b, SMLoc loc);
  Val unary(UnaryOp op, Val a, SMLoc loc);
  Val compare(BinaryOp op, Val a, Val b, SMLoc loc, const Ty &res);
  Val matmul(Val a, Val b, SMLoc loc);
  Val coerce(Val v, const Ty &target, SMLoc loc, const std::string &what);
  Val literalToFix(const Val &v);
  Val toSecret(const Val &v);
  Val constInt(int64_t v, bc::ElemType e = bc::ElemType::Int);
  Val constFix(double v, SMLoc loc);
  Val constVec(const Ty &t, std::vector<uint64_t> data);
  ir::ValueId arith(BinaryOp k, const Val &a, const Val &b, const ir::Type &res);
  ir::ValueId truncFix(ir::ValueId v, const ir::Type &t);
  Val divSecret(const Val &a, const Val &b, const Ty &res);
  ir::ValueId divByConstant(const Val &a, uint64_t bRaw, const ir::Type &res);
  Val selectVals(Val c, Val a, Val b, SMLoc loc);
  Val broadcast(const Val &v, const Ty &shape);
  uint64_t fixRaw(double v) const;
  /// Warns when a constant's fixed-point value `raw` is far from `exact`.
  void warnImprecise(double exact, uint64_t raw, SMLoc loc, const std::string &what);

  // ---- lower_builtins.cpp
  Val builtin(const Expr &e, std::vector<Val> &args);
  Val convert(const std::string &to, Val v, SMLoc loc);
  Val convertTo(const Ty &target, const std::string &to, Val v, SMLoc loc);
  Val concat(std::vector<Val> &args, SMLoc loc);
  Val fill(const Expr &e, std::vector<Val> &args);

  /// Argument checks shared by every builtin (named arguments, arity,
  /// poison); returns the axis= value through `axis`. Poison on error.
  Val builtinChecks(const Expr &e, std::vector<Val> &args, std::optional<int64_t> *axis = nullptr);

  // ---- lower_sort.cpp
  /// Sorted keys and the payload values moved along (stable, ascending).
  std::vector<Val> radixSort(Val keys, std::vector<Val> payload, SMLoc loc);
  /// The radix passes themselves: the payload (and the keys when carryKeys)
  /// moved along; the first result is the keys (unsorted unless carried).
  std::vector<Val> radixPasses(Val keys, std::vector<Val> payload, bool carryKeys, SMLoc loc);
  /// One pass's key bit i (y loses it unless `last`) and stable destinations.
  ir::ValueId radixDest(ir::ValueId &y, int i, bool last, bool isBool, const ir::Type &it);
  /// sort, sort_by, argsort: the results (one, or one per value of sort_by).
  std::vector<Val> sortBuiltin(const Expr &e, std::vector<Val> &args);
  /// `let (a, b) = e`: the values of a call that gives several.
  std::vector<Val> multiValue(const Expr &e, size_t want);
  Val shuffle(Val x, SMLoc loc);
  /// y with y[order[i]] = x[i] (rows); order a permutation of 0..n-1.
  Val unsort(Val x, Val order, SMLoc loc);
  Val arange(const Expr &e);
  Val cumsum(Val x, std::optional<int64_t> axis, SMLoc loc);
  Val reshape(const Expr &e, Val x);
  /// 0..n-1 (public, or secret-shared).
  Val iota(uint64_t n, ir::Vis vis);

  // ---- lower_reduce.cpp
  /// sum, prod, max, min, argmax, argmin of x: all elements, or along `axis`
  /// of a matrix; pairwise trees of depth ceil(log2 n).
  Val reduce(const std::string &n, Val x, std::optional<int64_t> axis, SMLoc loc);

  front::Diagnostics &diags_;
  const sema::SemaProgram &prog_;
  const std::set<const front::FnDecl *> &recursive_;
  uint8_t f_;
  ir::Module &mod_;
  ir::Builder b_;
  FnCtx *cur_ = nullptr;
  std::map<std::string, uint32_t> instances_;
  std::set<std::string> outputNames_;
  std::set<const front::FnDecl *> badSignature_; // reported by checkGenerics
};

} // namespace smpc::lower

//===- lower_stmt.cpp - statements: bindings, assignment, loops, outputs --===//
//
// `var`s are SSA values rebound on assignment. A loop or branch carries every
// outer `var` its body may assign (found by scanning the body first) as an
// explicit loop-carried value, so loops stay loops in the IR.
//===----------------------------------------------------------------------===//
#include "compiler/lower/lower.h"
#include "compiler/sema/const_eval.h"
#include "vm/bytecode/limits.h"

#include <functional>

namespace smpc::lower {

using front::StmtKind;

void Lowerer::block(const front::Block &b) {
  cur_->scopes.emplace_back();
  ++cur_->depth;
  for (const auto &s : b) {
    if (s->kind == StmtKind::Return) {
      diags_.emit(s->loc, diag::ReturnInsideBlock);
      continue;
    }
    stmt(*s);
  }
  --cur_->depth;
  cur_->scopes.pop_back();
}

void Lowerer::stmt(const Stmt &s) {
  at(s.loc);
  switch (s.kind) {
  case StmtKind::Let:
  case StmtKind::Var:
    return letOrVar(s);
  case StmtKind::LetTuple:
    return letTuple(s);
  case StmtKind::Assign:
    return assign(s);
  case StmtKind::For:
    return forStmt(s);
  case StmtKind::If:
    return ifStmt(s);
  case StmtKind::While:
    return whileStmt(s);
  case StmtKind::Output:
    return output(s);
  case StmtKind::ExprStmt:
    expr(*s.value);
    return;
  case StmtKind::Return:
    return; // handled by lowerBody/block
  }
}

void Lowerer::letOrVar(const Stmt &s) {
  Val v = expr(*s.value);
  if (s.type) {
    Ty t = resolve(*s.type);
    v = t.poison ? Val::error() : coerce(v, t, s.value->loc, "'" + s.name + "'");
  } else if (!v.poison() && v.ty.isVoid) {
    v = error(s.value->loc, diag::VoidInitialiser, s.name);
  } else if (v.intLit) {
    v.intLit = false; // a named literal is an int from now on
  }
  if (b_.function() && v.id != ir::kNoValue && b_.function()->values[v.id].name.empty())
    b_.function()->values[v.id].name = s.name;
  if (s.kind == StmtKind::Var) {
    v.cint.reset(); // a var can change: not a compile-time constant
    v.cfix.reset();
  }
  define(s.name, VarInfo{v, s.kind == StmtKind::Var, s.nameLoc}, s.nameLoc);
}

void Lowerer::letTuple(const Stmt &s) {
  std::vector<Val> vals = multiValue(*s.value, s.names.size());
  for (size_t i = 0; i < s.names.size(); ++i) {
    Val v = vals.size() == s.names.size() ? vals[i] : Val::error();
    if (b_.function() && v.id != ir::kNoValue && b_.function()->values[v.id].name.empty())
      b_.function()->values[v.id].name = s.names[i];
    define(s.names[i], VarInfo{v, false, s.nameLocs[i]}, s.nameLocs[i]);
  }
}

void Lowerer::assign(const Stmt &s) {
  VarInfo *var = lookup(s.name);
  if (!var) {
    if (cur_->consts.count(s.name))
      diags_.emit(s.nameLoc, diag::AssignToConstant, s.name);
    else
      diags_.emit(s.nameLoc, diag::AssignToUnknownName, s.name);
    expr(*s.value);
    return;
  }
  if (!var->isMutable) {
    diags_.emit(s.nameLoc, diag::AssignToImmutable, s.name);
    diags_.emit(var->loc, diag::DeclaredHere, s.name);
    expr(*s.value);
    return;
  }
  if (var->v.poison()) {
    expr(*s.value);
    return;
  }
  Val value = expr(*s.value);
  Access acc;
  Val old = var->v;
  if (!s.target.empty()) {
    acc = access(var->v.ty, s.target, s.nameLoc);
    if (!acc.ok) return;
    if (s.compound) old = readAccess(var->v, acc);
  }
  Ty target = s.target.empty() ? var->v.ty : acc.elemTy;
  if (s.compound) {
    value = binary(*s.compound, old, value, s.value->loc);
    if (value.poison()) return;
  }
  if (!value.poison() && value.ty.secret() && !target.secret()) {
    diags_.emit(s.value->loc, diag::SecretToPublicVariable, sema::typeName(value.ty), s.name,
                sema::typeName(target.withVis(ir::Vis::Secret)));
    return;
  }
  Val v = coerce(value, target, s.value->loc, "'" + s.name + "'");
  if (v.poison()) return;
  if (s.target.empty()) {
    var->v = v;
    var->v.cint.reset();
    var->v.cfix.reset();
    var->v.intLit = false;
  } else {
    var->v = writeAccess(var->v, acc, v, s.value->loc);
  }
}

// Names assigned anywhere in `a` (and `b`) that resolve to a mutable
// variable declared outside: these are the loop-carried values.
std::vector<std::string> Lowerer::carriedVars(const front::Block &a, const front::Block *b) {
  std::set<std::string> names;
  std::function<void(const front::Block &)> scan = [&](const front::Block &blk) {
    for (const auto &s : blk) {
      if (s->kind == StmtKind::Assign) names.insert(s->name);
      scan(s->body);
      scan(s->elseBody);
    }
  };
  scan(a);
  if (b) scan(*b);
  std::vector<std::string> out;
  for (const auto &n : names)
    if (VarInfo *v = lookup(n); v && v->isMutable && !v->v.poison()) out.push_back(n);
  return out;
}

// Type of a public int scalar, public bool scalar.
static Ty pubScalar(bc::ElemType e) {
  return Ty::scalar(ir::Vis::Public, e);
}

void Lowerer::forStmt(const Stmt &s) {
  Val lo = expr(*s.lo), hi = expr(*s.hi);
  bool ok = true;
  for (const Val *v : {&lo, &hi}) {
    const Expr &e = v == &lo ? *s.lo : *s.hi;
    if (v->poison()) {
      ok = false;
    } else if (v->ty.secret()) {
      diags_.emit(e.loc, diag::SecretLoopBound, sema::typeName(v->ty));
      ok = false;
    } else if (v->ty.elem() != bc::ElemType::Int || !v->ty.isScalar()) {
      diags_.emit(e.loc, diag::LoopBoundNotInt, sema::typeName(v->ty));
      ok = false;
    }
  }
  std::vector<std::string> carried = carriedVars(s.body);
  at(s.loc);
  ir::Inst *loop = nullptr;
  if (ok) {
    loop = &b_.append(ir::IrOp::For);
    loop->operands = {lo.id, hi.id};
    loop->regions.resize(1);
  }
  ir::Block *outer = b_.block();
  std::vector<Val> before;
  cur_->scopes.emplace_back();
  ++cur_->depth;
  Val iv;
  iv.ty = pubScalar(bc::ElemType::Int);
  if (loop) {
    iv.id = b_.function()->newValue(iv.ty.t, s.name);
    loop->regions[0].args.push_back(iv.id);
  } else {
    iv.ty = Ty::error();
  }
  for (const auto &n : carried) {
    VarInfo *v = lookup(n);
    before.push_back(v->v);
    if (loop) {
      loop->operands.push_back(v->v.id);
      v->v.id = b_.function()->newValue(v->v.ty.t, n);
      loop->regions[0].args.push_back(v->v.id);
    }
  }
  define(s.name, VarInfo{iv, false, s.nameLoc}, s.nameLoc);
  if (loop) b_.setBlock(loop->regions[0]);
  for (const auto &st : s.body) {
    if (st->kind == StmtKind::Return) {
      diags_.emit(st->loc, diag::ReturnInsideLoop);
      continue;
    }
    stmt(*st);
  }
  // Pop the body's scope before reading the carried values, so that a
  // body-local declaration shadowing a carried name is not yielded.
  --cur_->depth;
  cur_->scopes.pop_back();
  std::vector<ir::ValueId> next;
  for (const auto &n : carried)
    next.push_back(lookup(n)->v.id);
  if (!loop) {
    for (size_t i = 0; i < carried.size(); ++i)
      lookup(carried[i])->v = before[i];
    return;
  }
  at(s.loc);
  b_.yield(next);
  b_.setBlock(*outer);
  for (size_t i = 0; i < carried.size(); ++i) {
    VarInfo *v = lookup(carried[i]);
    v->v = before[i];
    v->v.id = b_.function()->newValue(v->v.ty.t, carried[i]);
    loop->results.push_back(v->v.id);
  }
}

void Lowerer::ifStmt(const Stmt &s) {
  Val c = expr(*s.value);
  bool ok = !c.poison();
  if (ok && c.ty.secret()) {
    diags_.emit(s.value->loc, diag::SecretCondition, "if", sema::typeName(c.ty));
    ok = false;
  } else if (ok && (c.ty.elem() != bc::ElemType::Bool || !c.ty.isScalar())) {
    diags_.emit(s.value->loc, diag::ConditionNotBool, "if", sema::typeName(c.ty));
    ok = false;
  }
  std::vector<std::string> carried = carriedVars(s.body, &s.elseBody);
  std::vector<Val> before;
  for (const auto &n : carried)
    before.push_back(lookup(n)->v);
  at(s.loc);
  ir::Inst *br = nullptr;
  if (ok) {
    br = &b_.append(ir::IrOp::If);
    br->operands = {c.id};
    br->regions.resize(2);
  }
  ir::Block *outer = b_.block();
  for (int side = 0; side < 2; ++side) {
    if (br) b_.setBlock(br->regions[side]);
    block(side == 0 ? s.body : s.elseBody);
    std::vector<ir::ValueId> out;
    for (size_t i = 0; i < carried.size(); ++i) {
      VarInfo *v = lookup(carried[i]);
      out.push_back(v->v.id);
      v->v = before[i];
    }
    if (br) {
      at(s.loc);
      b_.yield(out);
    }
  }
  b_.setBlock(*outer);
  if (!br) return;
  for (size_t i = 0; i < carried.size(); ++i) {
    VarInfo *v = lookup(carried[i]);
    v->v.id = b_.function()->newValue(v->v.ty.t, carried[i]);
    v->v.cint.reset();
    br->results.push_back(v->v.id);
  }
}

void Lowerer::whileStmt(const Stmt &s) {
  std::vector<std::string> carried = carriedVars(s.body);
  std::vector<Val> before;
  for (const auto &n : carried)
    before.push_back(lookup(n)->v);
  at(s.loc);
  ir::Inst *loop = &b_.append(ir::IrOp::While);
  loop->regions.resize(2);
  ir::Block *outer = b_.block();
  // Region 0 evaluates the condition on the carried values.
  b_.setBlock(loop->regions[0]);
  std::vector<ir::ValueId> condArgs;
  for (size_t i = 0; i < carried.size(); ++i) {
    VarInfo *v = lookup(carried[i]);
    loop->operands.push_back(v->v.id);
    v->v.id = b_.function()->newValue(v->v.ty.t, carried[i]);
    v->v.cint.reset();
    loop->regions[0].args.push_back(v->v.id);
    condArgs.push_back(v->v.id);
  }
  Val c = expr(*s.value);
  bool ok = !c.poison();
  if (ok && c.ty.secret()) {
    diags_.emit(s.value->loc, diag::SecretCondition, "while", sema::typeName(c.ty));
    ok = false;
  } else if (ok && (c.ty.elem() != bc::ElemType::Bool || !c.ty.isScalar())) {
    diags_.emit(s.value->loc, diag::ConditionNotBool, "while", sema::typeName(c.ty));
    ok = false;
  }
  at(s.loc);
  b_.condition(c.id, condArgs);
  // Region 1 is the body.
  b_.setBlock(loop->regions[1]);
  for (size_t i = 0; i < carried.size(); ++i) {
    VarInfo *v = lookup(carried[i]);
    v->v.id = b_.function()->newValue(v->v.ty.t, carried[i]);
    loop->regions[1].args.push_back(v->v.id);
  }
  block(s.body);
  std::vector<ir::ValueId> next;
  for (const auto &n : carried)
    next.push_back(lookup(n)->v.id);
  at(s.loc);
  b_.yield(next);
  b_.setBlock(*outer);
  for (size_t i = 0; i < carried.size(); ++i) {
    VarInfo *v = lookup(carried[i]);
    v->v = before[i];
    v->v.id = b_.function()->newValue(v->v.ty.t, carried[i]);
    v->v.cint.reset();
    loop->results.push_back(v->v.id);
  }
  (void)ok;
}

void Lowerer::output(const Stmt &s) {
  Val v = expr(*s.value);
  if (!cur_->isMain || cur_->depth > 0) {
    diags_.emit(s.loc, diag::OutputNotAtTopLevel);
    return;
  }
  if (!outputNames_.insert(s.name).second) {
    diags_.emit(s.nameLoc, diag::OutputRedeclared, s.name);
    return;
  }
  if (v.poison()) return;
  if (v.ty.isVoid) {
    diags_.emit(s.value->loc, diag::OutputOfVoid);
    return;
  }
  if (v.intLit) v.intLit = false;
  bc::IoEntry e;
  e.name = s.name;
  e.elem = v.ty.elem();
  e.secret = v.ty.secret();
  e.ndims = v.ty.t.ndims;
  e.rows = v.ty.t.rows;
  e.cols = v.ty.t.cols;
  std::set<uint32_t> seen;
  for (size_t i = 0; i < s.recipients.size(); ++i) {
    if (s.recipients[i] >= bc::kMaxParties) {
      diags_.emit(s.recipientLocs[i], diag::RecipientOutOfRange, s.recipients[i],
                  bc::kMaxParties - 1);
      return;
    }
    if (seen.insert(s.recipients[i]).second) e.recipients.push_back(s.recipients[i]);
  }
  at(s.loc);
  int64_t index = static_cast<int64_t>(mod_.outputs.size());
  mod_.outputs.push_back(e);
  ir::Inst &out = b_.append(ir::IrOp::Bc);
  out.op = v.ty.secret() ? bc::Op::OutputS : bc::Op::OutputP;
  out.operands = {v.id};
  out.imms = {index};
}

} // namespace smpc::lower

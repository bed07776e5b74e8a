//===- lower.cpp - functions, instantiation, scopes and the main prologue -===//
#include "compiler/lower/lower.h"

#include "compiler/sema/const_eval.h"
#include "vm/bytecode/limits.h"

#include <functional>

namespace smpc::lower {

void lowerProgram(front::Diagnostics &diags, const sema::SemaProgram &prog,
                  const std::set<const front::FnDecl *> &recursive, uint8_t fracBits,
                  ir::Module &out) {
  out.fracBits = fracBits;
  Lowerer(diags, prog, recursive, fracBits, out).run();
  out.files = diags.fileNames();
}

// Keeps only the functions main reaches (unreached ones were lowered just to
// report their errors) and renumbers the calls.
static void pruneUnreached(ir::Module &m) {
  std::vector<int64_t> newIndex(m.functions.size(), -1);
  std::vector<uint32_t> order;
  std::function<void(const ir::Block &)> scan;
  std::vector<uint32_t> work{m.mainIndex};
  newIndex[m.mainIndex] = 0;
  order.push_back(m.mainIndex);
  scan = [&](const ir::Block &b) {
    for (const auto &i : b.insts) {
      if (i->kind == ir::IrOp::Call && newIndex[i->callee] < 0) {
        newIndex[i->callee] = static_cast<int64_t>(order.size());
        order.push_back(i->callee);
        work.push_back(i->callee);
      }
      for (const auto &r : i->regions)
        scan(r);
    }
  };
  while (!work.empty()) {
    uint32_t f = work.back();
    work.pop_back();
    scan(m.functions[f].body);
  }
  std::function<void(ir::Block &)> renumber = [&](ir::Block &b) {
    for (auto &i : b.insts) {
      if (i->kind == ir::IrOp::Call) i->callee = static_cast<uint32_t>(newIndex[i->callee]);
      for (auto &r : i->regions)
        renumber(r);
    }
  };
  std::vector<ir::Function> kept;
  for (uint32_t f : order) {
    kept.push_back(std::move(m.functions[f]));
    renumber(kept.back().body);
  }
  m.functions = std::move(kept);
  m.mainIndex = 0;
}

void Lowerer::run() {
  for (const auto &[name, f] : prog_.fns)
    checkGenerics(*f);
  auto it = prog_.fns.find("main");
  if (it == prog_.fns.end() || it->second->imported) {
    unsigned id = prog_.modules[0]->bufferId;
    diags_.emit(SMLoc::getFromPointer(diags_.bufferStart(id)), diag::NoMain);
  } else if (const front::FnDecl &main = *it->second;
             !main.generics.empty() || !main.params.empty() || main.ret) {
    diags_.emit(main.loc, diag::MainSignature);
    instances_["main"] = 0; // do not check it as an ordinary function below
  } else {
    mod_.mainIndex = instantiate(main, {});
  }
  // Check the functions main does not call, so that their errors show too.
  // Shape-generic ones can only be checked once instantiated.
  for (const auto &[name, f] : prog_.fns)
    if (f->generics.empty() && !recursive_.count(f) && !instances_.count(f->name))
      instantiate(*f, {});
  if (!diags_.hasErrors()) pruneUnreached(mod_);
}

void Lowerer::checkGenerics(const front::FnDecl &f) {
  std::set<std::string> seen;
  for (const auto &g : f.generics) {
    if (!seen.insert(g.name).second) diags_.emit(g.loc, diag::GenericRedeclared, g.name, f.name);
    if (sema::elemFromName(g.name) || sema::isBuiltinName(g.name))
      diags_.emit(g.loc, diag::GenericNamedLikeTypeOrBuiltin, g.name,
                  sema::elemFromName(g.name) ? "type" : "builtin");
    if (g.isType() && g.bound != "num" && g.bound != "any")
      diags_.emit(g.loc, diag::UnknownGenericBound, g.bound, g.name);
  }
  // A kind suffix in the signature (`T.real`) is reported here once; calls
  // of such a function are not instantiated.
  auto checkKind = [&](const front::TypeExpr &t) {
    if (t.derived.empty()) return;
    bool isVar = false;
    for (const auto &g : f.generics)
      isVar |= g.isType() && g.name == t.elem;
    if (isVar && !sema::derivedElem(Ty(), t.derived)) {
      diags_.emit(t.loc, diag::UnknownKindSuffix, t.derived, t.elem);
      badSignature_.insert(&f);
    }
  };
  for (const auto &p : f.params)
    checkKind(p.type);
  if (f.ret) checkKind(*f.ret);
}

uint32_t Lowerer::instantiate(const front::FnDecl &f, const sema::ConstEnv &shapeVars,
                              const sema::TypeEnv &typeVars) {
  std::string key = f.name;
  if (!f.generics.empty()) {
    key += "<";
    for (size_t i = 0; i < f.generics.size(); ++i) {
      const front::GenericParam &g = f.generics[i];
      key += (i ? ", " : "") + g.name + "=";
      key +=
          g.isType() ? sema::typeName(typeVars.at(g.name)) : std::to_string(shapeVars.at(g.name));
    }
    key += ">";
  }
  if (auto it = instances_.find(key); it != instances_.end()) return it->second;
  uint32_t index = static_cast<uint32_t>(mod_.functions.size());
  mod_.functions.emplace_back();
  instances_[key] = index;

  FnCtx ctx;
  ctx.decl = &f;
  ctx.isMain = f.name == "main" && !f.imported;
  ctx.consts = prog_.params;
  for (const auto &[k, v] : shapeVars)
    ctx.consts[k] = v;
  ctx.types = typeVars;
  ir::Function fn;
  fn.name = key;
  ctx.scopes.emplace_back();
  for (const auto &p : f.params) {
    Ty t = sema::resolveType(diags_, p.type, ctx.consts, &ctx.types);
    Val v;
    v.ty = t;
    if (!t.poison) {
      v.id = fn.newValue(t.t, p.name);
      fn.body.args.push_back(v.id);
    }
    if (ctx.scopes[0].count(p.name)) diags_.emit(p.loc, diag::ParameterRedeclared, p.name);
    ctx.scopes[0][p.name] = VarInfo{v, false, p.loc};
  }
  ctx.retTy = f.ret ? sema::resolveType(diags_, *f.ret, ctx.consts, &ctx.types) : Ty::voidTy();
  if (!ctx.retTy.isVoid && !ctx.retTy.poison) fn.resultTypes.push_back(ctx.retTy.t);
  mod_.functions[index].resultTypes = fn.resultTypes;
  mod_.functions[index].name = key;

  ir::Builder saved = b_;
  FnCtx *savedCtx = cur_;
  b_.setInsertionPoint(fn, fn.body);
  cur_ = &ctx;
  lowerBody(f, ctx, fn);
  b_ = saved;
  cur_ = savedCtx;
  mod_.functions[index] = std::move(fn);
  return index;
}

void Lowerer::lowerBody(const front::FnDecl &f, FnCtx &ctx, ir::Function &fn) {
  at(f.loc);
  if (ctx.isMain) mainPrologue();
  const front::Block &body = f.body;
  for (size_t i = 0; i < body.size(); ++i) {
    const Stmt &s = *body[i];
    if (s.kind != front::StmtKind::Return) {
      stmt(s);
      continue;
    }
    if (i + 1 != body.size()) {
      diags_.emit(s.loc, diag::ReturnNotLast);
      continue;
    }
    at(s.loc);
    if (ctx.retTy.isVoid) {
      if (s.value) diags_.emit(s.value->loc, diag::ReturnValueWithoutResultType, f.name);
      b_.ret({});
      return;
    }
    if (!s.value) {
      diags_.emit(s.loc, diag::ReturnWithoutValue, f.name, sema::typeName(ctx.retTy));
      return;
    }
    Val v = coerce(expr(*s.value), ctx.retTy, s.value->loc, "the return value");
    b_.ret({v.id});
    return;
  }
  if (!ctx.retTy.isVoid) {
    diags_.emit(f.loc, diag::MissingReturn, f.name, sema::typeName(ctx.retTy));
    return;
  }
  b_.ret({});
}

void Lowerer::mainPrologue() {
  for (const auto &in : prog_.modules[0]->inputs) {
    at(in.loc);
    Ty t = sema::resolveType(diags_, in.type, cur_->consts);
    if (prog_.params.count(in.name) || cur_->scopes[0].count(in.name)) {
      diags_.emit(in.loc, diag::InputRedeclared, in.name);
      continue;
    }
    if (in.party >= bc::kMaxParties) {
      diags_.emit(in.loc, diag::InputPartyOutOfRange, in.name, in.party, bc::kMaxParties - 1);
      t = Ty::error();
    }
    Val v;
    v.ty = t;
    if (!t.poison) {
      bc::IoEntry e;
      e.name = in.name;
      e.elem = t.t.elem;
      e.secret = t.secret();
      e.ndims = t.t.ndims;
      e.rows = t.t.rows;
      e.cols = t.t.cols;
      e.party = in.party;
      ir::Type st = t.t;
      st.vis = ir::Vis::Secret;
      v.id = b_.op(bc::Op::Input, st, {}, {static_cast<int64_t>(mod_.inputs.size())});
      b_.function()->values[v.id].name = in.name;
      mod_.inputs.push_back(e);
      // A public-typed input is provided secretly by its owner and then
      // opened to everyone.
      if (!t.secret()) v.id = b_.op(bc::Op::Open, t.t, {v.id});
    }
    cur_->scopes[0][in.name] = VarInfo{v, false, in.loc};
  }
}

VarInfo *Lowerer::lookup(const std::string &name) {
  for (auto it = cur_->scopes.rbegin(); it != cur_->scopes.rend(); ++it)
    if (auto f = it->find(name); f != it->end()) return &f->second;
  return nullptr;
}

void Lowerer::define(const std::string &name, VarInfo v, SMLoc loc) {
  auto &scope = cur_->scopes.back();
  if (auto it = scope.find(name); it != scope.end()) {
    diags_.emit(loc, diag::NameRedeclared, name);
    diags_.emit(it->second.loc, diag::EarlierDeclarationHere);
    return;
  }
  scope[name] = v;
}

} // namespace smpc::lower

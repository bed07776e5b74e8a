//===- recursion.cpp - refuse recursive functions (call-graph cycles) -----===//
#include "compiler/sema/recursion.h"

#include <functional>
#include <map>

namespace smpc::sema {

namespace {

struct Call {
  const front::FnDecl *callee;
  llvm::SMLoc loc;
};

void collectExpr(const SemaProgram &p, const front::Expr &e, std::vector<Call> &out) {
  if (e.kind == front::ExprKind::Call && e.member.empty()) {
    auto it = p.fns.find(e.name);
    if (it != p.fns.end()) out.push_back({it->second, e.loc});
  }
  for (const auto &k : e.kids)
    collectExpr(p, *k, out);
  for (const auto &ix : e.index) {
    if (ix.lo) collectExpr(p, *ix.lo, out);
    if (ix.hi) collectExpr(p, *ix.hi, out);
  }
}

void collectBlock(const SemaProgram &p, const front::Block &b, std::vector<Call> &out) {
  for (const auto &s : b) {
    for (const front::Expr *e : {s->value.get(), s->lo.get(), s->hi.get()})
      if (e) collectExpr(p, *e, out);
    for (const auto &ix : s->target) {
      if (ix.lo) collectExpr(p, *ix.lo, out);
      if (ix.hi) collectExpr(p, *ix.hi, out);
    }
    collectBlock(p, s->body, out);
    collectBlock(p, s->elseBody, out);
  }
}

} // namespace

std::set<const front::FnDecl *> findRecursion(front::Diagnostics &d, const SemaProgram &p) {
  std::map<const front::FnDecl *, std::vector<Call>> calls;
  for (const auto &[name, f] : p.fns)
    collectBlock(p, f->body, calls[f]);

  std::set<const front::FnDecl *> recursive;
  std::map<const front::FnDecl *, int> state; // 0 new, 1 on stack, 2 done
  std::vector<const front::FnDecl *> stack;
  // Depth is bounded by the number of functions.
  std::function<void(const front::FnDecl *)> visit = [&](const front::FnDecl *f) {
    state[f] = 1;
    stack.push_back(f);
    for (const Call &c : calls[f]) {
      if (state[c.callee] == 1) {
        auto start = std::find(stack.begin(), stack.end(), c.callee);
        std::string path;
        bool fresh = false;
        for (auto it = start; it != stack.end(); ++it) {
          path += (*it)->name + " -> ";
          fresh |= recursive.insert(*it).second;
        }
        path += c.callee->name;
        if (fresh) d.emit(c.loc, front::diag::RecursiveCall, path);
      } else if (state[c.callee] == 0) {
        visit(c.callee);
      }
    }
    stack.pop_back();
    state[f] = 2;
  };
  for (const auto &[name, f] : p.fns)
    if (state[f] == 0) visit(f);
  return recursive;
}

} // namespace smpc::sema

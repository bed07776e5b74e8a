//===- recursion.h - refuse recursive functions (call-graph cycles) -------===//
#pragma once

#include "compiler/sema/modules.h"

#include <set>

namespace smpc::sema {

/// Reports each cycle of the call graph once, at a call that closes it, and
/// returns the functions on a cycle (the lowering skips calls to them).
std::set<const front::FnDecl *> findRecursion(front::Diagnostics &d, const SemaProgram &p);

} // namespace smpc::sema

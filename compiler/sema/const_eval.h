//===- const_eval.h - compile-time integer expressions (shapes, params) ---===//
#pragma once

#include "compiler/front/ast.h"
#include "compiler/front/diagnostics.h"
#include "compiler/sema/types.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace smpc::sema {

using ConstEnv = std::map<std::string, int64_t>;
/// Element-type variables of a generic instance (`T` -> sfix): scalar types.
using TypeEnv = std::map<std::string, Ty>;

/// Evaluates a compile-time integer expression: literals, names bound in
/// `env` (parameters, shape variables), + - * / % and parentheses.
/// Reports an error and returns nullopt otherwise.
std::optional<int64_t> evalConst(front::Diagnostics &d, const front::Expr &e, const ConstEnv &env,
                                 const char *what);

/// True for + - * / %, the operators of compile-time integer expressions.
bool isIntArith(front::BinaryOp op);

/// a op b for public ints, computed like the VM (vm/bytecode/public_arith.h:
/// wrap-around, division toward zero, INT64_MIN / -1 = INT64_MIN); `op` is
/// one of isIntArith. nullopt for a division or remainder by zero.
std::optional<int64_t> foldIntArith(front::BinaryOp op, int64_t a, int64_t b);

/// Resolves a written type (element name and dimensions) to a checked type.
/// The element may be a type variable of `types` (`T`, `T.fix`).
/// Dimensions must be compile-time constants between 1 and 2^24.
Ty resolveType(front::Diagnostics &d, const front::TypeExpr &t, const ConstEnv &env,
               const TypeEnv *types = nullptr);

/// The element type a variable's kind-changing suffix gives: `T.fix` for
/// T = sint is sfix. nullopt when `derived` is not int, fix or bool.
std::optional<Ty> derivedElem(const Ty &base, const std::string &derived);

/// Largest number of elements of one value.
inline constexpr int64_t kMaxElems = int64_t(1) << 24;

} // namespace smpc::sema

//===- ast.h - the smpc abstract syntax tree ------------------------------===//
//
// Built from the ANTLR parse tree by parser.cpp. Every node carries the
// source location of its first token (an llvm::SMLoc into the SourceMgr).
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/front/dense_literals.h"

#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smpc::front {

using llvm::SMLoc;

struct Expr;
using ExprP = std::unique_ptr<Expr>;

/// One position of an index: `e`, or a range `lo:hi` with either bound
/// optional (`:` alone selects the whole dimension).
struct IndexPart {
  bool isRange = false;
  ExprP lo, hi; // single index: lo only
  SMLoc loc;
};

enum class ExprKind : uint8_t { IntLit, FixLit, BoolLit, Name, Unary, Binary, Call, Index, Vector };

enum class BinaryOp : uint8_t {
#define SMPC_BINARY(Id, Spelling) Id,
#include "compiler/front/operators.def"
};
enum class UnaryOp : uint8_t {
#define SMPC_UNARY(Id, Spelling) Id,
#include "compiler/front/operators.def"
};

/// How an operator is written in source ("+", "<=", "!").
std::string_view spelling(BinaryOp op);
std::string_view spelling(UnaryOp op);
std::optional<BinaryOp> binaryOpFromSpelling(std::string_view s);
std::optional<UnaryOp> unaryOpFromSpelling(std::string_view s);
/// == != < <= > >=
bool isComparison(BinaryOp op);

struct Expr {
  ExprKind kind;
  SMLoc loc;                         // first token
  SMLoc opLoc;                       // Binary: the operator (where operator errors point)
  int64_t ival = 0;                  // IntLit, BoolLit (0/1)
  double fval = 0;                   // FixLit
  std::string name;                  // Name, Call (callee)
  BinaryOp binOp{};                  // Binary
  UnaryOp unOp{};                    // Unary
  std::string member;                // Call of `T.fix(...)`: "fix" (name is "T")
  std::vector<ExprP> kids;           // operands, call arguments, vector elements, indexed base
  std::vector<std::string> argNames; // Call: name of each named argument (`axis=1`), else ""
  std::vector<SMLoc> argLocs;        // Call: where each argument starts (its name if named)
  std::vector<IndexPart> index;
  std::shared_ptr<const DenseLiteral> dense; // Vector: a long literal of plain numbers (no kids)
  Expr(ExprKind k, SMLoc l) : kind(k), loc(l) {}
};

/// `sfix[n, 3]`: element type name and dimension expressions. `T.fix[n]`:
/// the type variable T with its kind replaced by `fix` (derived = "fix").
struct TypeExpr {
  std::string elem;
  std::string derived;
  std::vector<ExprP> dims;
  SMLoc loc;
};

struct Stmt;
using StmtP = std::unique_ptr<Stmt>;
using Block = std::vector<StmtP>;

enum class StmtKind : uint8_t {
  Let,
  LetTuple,
  Var,
  Assign,
  For,
  If,
  While,
  Return,
  Output,
  ExprStmt
};

struct Stmt {
  StmtKind kind;
  SMLoc loc;
  std::string name; // Let/Var/Assign target/For variable/Output name
  SMLoc nameLoc;
  std::vector<std::string> names; // LetTuple: `let (a, b) = ...`
  std::vector<SMLoc> nameLocs;
  std::unique_ptr<TypeExpr> type;   // Let/Var annotation
  ExprP value;                      // initialiser, assigned value, condition, return value
  ExprP lo, hi;                     // For bounds
  std::vector<IndexPart> target;    // Assign: element or slice target
  std::optional<BinaryOp> compound; // Assign: Add, Sub, Mul for +=, -=, *=; none for =
  Block body, elseBody;             // For/While/If bodies
  bool hasElse = false;
  bool toAll = false;               // Output
  std::vector<uint32_t> recipients; // Output
  std::vector<SMLoc> recipientLocs;
  Stmt(StmtKind k, SMLoc l) : kind(k), loc(l) {}
};

struct FnParam {
  std::string name;
  TypeExpr type;
  SMLoc loc;
};

/// `<k>` (shape variable, bound empty) or `<T: num>` (element-type variable).
struct GenericParam {
  std::string name;
  std::string bound;
  SMLoc loc;
  bool isType() const { return !bound.empty(); }
};

struct FnDecl {
  std::string name;
  SMLoc loc;
  std::vector<GenericParam> generics;
  std::vector<FnParam> params;
  std::unique_ptr<TypeExpr> ret;
  Block body;
  bool imported = false; // declared in an imported module, not the main file
};

struct ParamDecl {
  std::string name;
  TypeExpr type;
  ExprP init;
  SMLoc loc;
};

struct InputDecl {
  std::string name;
  TypeExpr type;
  uint32_t party = 0;
  SMLoc loc;
};

struct ImportDecl {
  std::string name;
  SMLoc loc;
};

/// One parsed source file.
struct Module {
  std::string path;
  unsigned bufferId = 0;
  std::vector<ImportDecl> imports;
  std::vector<ParamDecl> params;
  std::vector<InputDecl> inputs;
  std::vector<std::unique_ptr<FnDecl>> fns;
};

} // namespace smpc::front

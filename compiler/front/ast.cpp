//===- ast.cpp - operator spellings from operators.def ---------------------===//
#include "compiler/front/ast.h"

namespace smpc::front {

namespace {
constexpr std::string_view kBinary[] = {
#define SMPC_BINARY(Id, Spelling) Spelling,
#include "compiler/front/operators.def"
};
constexpr std::string_view kUnary[] = {
#define SMPC_UNARY(Id, Spelling) Spelling,
#include "compiler/front/operators.def"
};
} // namespace

std::string_view spelling(BinaryOp op) {
  return kBinary[static_cast<unsigned>(op)];
}

std::string_view spelling(UnaryOp op) {
  return kUnary[static_cast<unsigned>(op)];
}

std::optional<BinaryOp> binaryOpFromSpelling(std::string_view s) {
  for (unsigned i = 0; i < std::size(kBinary); ++i)
    if (kBinary[i] == s) return static_cast<BinaryOp>(i);
  return std::nullopt;
}

std::optional<UnaryOp> unaryOpFromSpelling(std::string_view s) {
  for (unsigned i = 0; i < std::size(kUnary); ++i)
    if (kUnary[i] == s) return static_cast<UnaryOp>(i);
  return std::nullopt;
}

bool isComparison(BinaryOp op) {
  switch (op) {
  case BinaryOp::Lt:
  case BinaryOp::Le:
  case BinaryOp::Gt:
  case BinaryOp::Ge:
  case BinaryOp::Eq:
  case BinaryOp::Ne:
    return true;
  case BinaryOp::Add:
  case BinaryOp::Sub:
  case BinaryOp::Mul:
  case BinaryOp::Div:
  case BinaryOp::Mod:
  case BinaryOp::MatMul:
  case BinaryOp::And:
  case BinaryOp::Or:
  case BinaryOp::Xor:
    return false;
  }
  return false;
}

} // namespace smpc::front

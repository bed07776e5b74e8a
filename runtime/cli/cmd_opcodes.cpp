//===- cmd_opcodes.cpp - `smpc opcodes`: the instruction set as markdown --===//
//
// Generated from opcodes.def and cost.h, so docs/bytecode.md can include the
// output verbatim and never drift from the code.
//===----------------------------------------------------------------------===//
#include "runtime/cli/commands.h"
#include "vm/bytecode/cost.h"

#include <iostream>
#include <string>
#include <utility>

namespace smpc::cli {

namespace {

const char *lenRuleName(bc::LenRule r) {
  switch (r) {
  case bc::LenRule::None:
    return "-";
  case bc::LenRule::Const:
    return "const";
  case bc::LenRule::Elementwise:
    return "elementwise";
  case bc::LenRule::Slice:
    return "slice";
  case bc::LenRule::SliceDyn:
    return "slice (run-time offset)";
  case bc::LenRule::Store:
    return "store";
  case bc::LenRule::StoreDyn:
    return "store (run-time offset)";
  case bc::LenRule::Reduce:
    return "reduce";
  case bc::LenRule::MatMul:
    return "matmul";
  case bc::LenRule::Input:
    return "input";
  case bc::LenRule::Output:
    return "output";
  case bc::LenRule::Cond:
    return "condition";
  case bc::LenRule::Rows:
    return "rows";
  case bc::LenRule::Gather:
    return "gather";
  case bc::LenRule::Scatter:
    return "scatter";
  }
  return "?";
}

const char *kindName(bc::OpKind k) {
  switch (k) {
  case bc::OpKind::Local:
    return "local";
  case bc::OpKind::Interactive:
    return "interactive";
  case bc::OpKind::Jump:
    return "jump";
  }
  return "?";
}

std::string propNames(bc::Op op) {
  static constexpr std::pair<bc::OpProp, const char *> kNames[] = {
      {bc::OpProp::Commutative, "commutative"},
      {bc::OpProp::MayTrap, "may trap"},
      {bc::OpProp::HasEffect, "effect"},
      {bc::OpProp::BackEndOnly, "back end only"},
  };
  std::string s;
  for (const auto &[p, name] : kNames)
    if (bc::has(op, p)) s += (s.empty() ? "" : ", ") + std::string(name);
  return s.empty() ? "-" : s;
}

// semi2k rounds; "N" where they grow with the number of parties.
std::string rounds(bc::Op op) {
  const uint32_t two = bc::opRounds(op, 2), three = bc::opRounds(op, 3);
  return two == three ? std::to_string(two) : "N";
}

std::string escape(std::string_view s) {
  std::string o;
  for (char c : s) {
    if (c == '|')
      o += "\\|";
    else
      o += c;
  }
  return o;
}

} // namespace

int cmdOpcodes(const std::vector<std::string> &args) {
  OptionTable t = commandOptions("opcodes", "");
  if (auto rc = t.parse(args)) return *rc;
  std::cout << "| # | mnemonic | operands | lengths | kind | properties | semi2k rounds | "
               "semantics |\n"
            << "|---|---|---|---|---|---|---|---|\n";
  for (unsigned i = 0; i < bc::kNumOps; ++i) {
    const bc::Op op = static_cast<bc::Op>(i);
    const bc::OpInfo &oi = bc::info(op);
    std::cout << "| " << i << " | `" << oi.mnemonic << "` | `" << bc::operandCodes(op) << "` | "
              << lenRuleName(oi.len) << " | " << kindName(oi.kind) << " | " << propNames(op)
              << " | " << rounds(op) << " | " << escape(oi.synopsis) << " |\n";
  }
  return kExitOk;
}

} // namespace smpc::cli

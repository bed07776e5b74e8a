//===- print.cpp - the textual form of the circuit IR ---------------------===//
//
// One instruction per line, regions indented by two spaces. This is what
// --dump-ir-after prints and what the lit tests check, so keep it stable.
//===----------------------------------------------------------------------===//
#include "compiler/ir/ir.h"

#include <sstream>

namespace smpc::ir {

namespace {

const char *elemName(bc::ElemType e) {
  switch (e) {
  case bc::ElemType::Int:
    return "int";
  case bc::ElemType::Fix:
    return "fix";
  case bc::ElemType::Bool:
    return "bool";
  }
  return "?";
}

// Constants longer than this are abbreviated, so dumps of big programs stay readable.
constexpr size_t kMaxConstPrint = 16;

class Printer {
public:
  Printer(const Module &m, const Function &f, std::ostringstream &os) : m(m), f(f), os(os) {}

  void function() {
    os << "func @" << f.name << "(";
    for (size_t i = 0; i < f.body.args.size(); ++i) {
      if (i) os << ", ";
      value(f.body.args[i]);
      os << ": ";
      type(f.type(f.body.args[i]));
    }
    os << ")";
    if (!f.resultTypes.empty()) {
      os << " -> ";
      for (size_t i = 0; i < f.resultTypes.size(); ++i) {
        if (i) os << ", ";
        type(f.resultTypes[i]);
      }
    }
    os << " {\n";
    block(f.body, 1);
    os << "}\n";
  }

private:
  const Module &m;
  const Function &f;
  std::ostringstream &os;

  void value(ValueId v) {
    if (v == kNoValue)
      os << "%<none>";
    else
      os << "%" << v;
  }

  void type(const Type &t) {
    if (t.isSecret()) os << "s";
    os << elemName(t.elem);
    if (t.ndims == 1)
      os << "[" << t.rows << "]";
    else if (t.ndims == 2)
      os << "[" << t.rows << ", " << t.cols << "]";
  }

  void typeOf(ValueId v) {
    if (v < f.values.size())
      type(f.type(v));
    else
      os << "<bad value>";
  }

  void valueList(const std::vector<ValueId> &vs, size_t from = 0) {
    for (size_t i = from; i < vs.size(); ++i) {
      if (i > from) os << ", ";
      value(vs[i]);
    }
  }

  void resultTypes(const std::vector<ValueId> &rs) {
    if (rs.empty()) return;
    os << " : ";
    for (size_t i = 0; i < rs.size(); ++i) {
      if (i) os << ", ";
      typeOf(rs[i]);
    }
  }

  void indent(int depth) {
    for (int i = 0; i < depth; ++i)
      os << "  ";
  }

  void results(const Inst &in) {
    if (in.results.empty()) return;
    valueList(in.results);
    os << " = ";
  }

  // Block arguments paired with their initial values: `%6 = %3, ...`.
  void iterArgs(const Block &b, size_t firstArg, const std::vector<ValueId> &inits,
                size_t firstInit) {
    os << "iter(";
    for (size_t i = firstArg, k = firstInit; i < b.args.size(); ++i, ++k) {
      if (i > firstArg) os << ", ";
      value(b.args[i]);
      os << " = ";
      if (k < inits.size())
        value(inits[k]);
      else
        os << "<missing>";
    }
    os << ")";
  }

  void block(const Block &b, int depth) {
    for (const auto &in : b.insts)
      inst(*in, depth);
  }

  void region(const Inst &in, size_t i, int depth) {
    if (i < in.regions.size())
      block(in.regions[i], depth + 1);
    else
      os << "<missing region>\n";
  }

  void bcInst(const Inst &in) {
    const bc::OpInfo &oi = bc::info(in.op);
    os << oi.mnemonic;
    size_t nextOp = 0, nextImm = 0;
    bool first = true;
    for (bc::Operand c : oi.operands) {
      if (bc::isWritten(c) && !bc::isRead(c)) continue; // the result, printed before `=`
      os << (first ? " " : ", ");
      first = false;
      if (bc::isRegister(c)) {
        if (nextOp < in.operands.size())
          value(in.operands[nextOp++]);
        else
          os << "<missing>";
      } else if (nextImm < in.imms.size()) {
        if (c != bc::Operand::Imm) os << "#"; // a table or constant index
        os << in.imms[nextImm++];
      } else {
        os << "<missing>";
      }
    }
  }

  void constData(const Inst &in) {
    os << "const [";
    for (size_t i = 0; i < in.constData.size() && i < kMaxConstPrint; ++i)
      os << (i ? ", " : "") << static_cast<int64_t>(in.constData[i]);
    if (in.constData.size() > kMaxConstPrint) os << ", ...";
    os << "]";
  }

  void inst(const Inst &in, int depth) {
    indent(depth);
    switch (in.kind) {
    case IrOp::Bc:
      results(in);
      bcInst(in);
      resultTypes(in.results);
      break;
    case IrOp::Const:
      results(in);
      constData(in);
      resultTypes(in.results);
      break;
    case IrOp::Call:
      results(in);
      os << "call @" << (in.callee < m.functions.size() ? m.functions[in.callee].name : "<bad>")
         << "(";
      valueList(in.operands);
      os << ")";
      resultTypes(in.results);
      break;
    case IrOp::Return:
    case IrOp::Yield:
    case IrOp::Condition:
      os << (in.kind == IrOp::Return ? "return" : in.kind == IrOp::Yield ? "yield" : "condition");
      if (!in.operands.empty()) os << " ";
      valueList(in.operands);
      break;
    case IrOp::For: {
      results(in);
      os << "for ";
      const Block *body = in.regions.empty() ? nullptr : &in.regions[0];
      if (body && !body->args.empty())
        value(body->args[0]);
      else
        os << "%<none>";
      os << " = ";
      if (in.operands.size() >= 2) {
        value(in.operands[0]);
        os << " to ";
        value(in.operands[1]);
      }
      if (body && body->args.size() > 1) {
        os << " ";
        iterArgs(*body, 1, in.operands, 2);
      }
      resultTypes(in.results);
      os << " {\n";
      region(in, 0, depth);
      indent(depth);
      os << "}";
      break;
    }
    case IrOp::If:
      results(in);
      os << "if ";
      valueList(in.operands);
      resultTypes(in.results);
      os << " {\n";
      region(in, 0, depth);
      indent(depth);
      os << "} else {\n";
      region(in, 1, depth);
      indent(depth);
      os << "}";
      break;
    case IrOp::While:
      results(in);
      os << "while ";
      if (!in.regions.empty()) iterArgs(in.regions[0], 0, in.operands, 0);
      resultTypes(in.results);
      os << " {\n";
      region(in, 0, depth);
      indent(depth);
      os << "} do(";
      if (in.regions.size() > 1) valueList(in.regions[1].args);
      os << ") {\n";
      region(in, 1, depth);
      indent(depth);
      os << "}";
      break;
    }
    os << "\n";
  }
};

} // namespace

std::string print(const Module &m, const Function &f) {
  std::ostringstream os;
  Printer(m, f, os).function();
  return os.str();
}

std::string print(const Module &m) {
  std::string out;
  for (size_t i = 0; i < m.functions.size(); ++i) {
    if (i) out += "\n";
    out += print(m, m.functions[i]);
  }
  return out;
}

} // namespace smpc::ir

//===- verify.cpp - structural checks of the circuit IR -------------------===//
//
// SSA (each value defined once, used only where its definition is in scope),
// operand counts, visibility and lengths against opcodes.def, and the shape of
// the structured regions. A failure is a compiler bug; the message names the
// function and the offending instruction.
//===----------------------------------------------------------------------===//
#include "compiler/ir/ir.h"

#include <string>
#include <vector>

namespace smpc::ir {

namespace {

struct VerifyError {
  std::string msg;
};

// "%<id>"; built with append, which also avoids a GCC 12 -Wrestrict false
// positive on `"%" + std::to_string(...)`.
std::string pct(ValueId v) {
  std::string s = "%";
  s += std::to_string(v);
  return s;
}

class Verifier {
public:
  Verifier(const Module &m, const Function &f) : m(m), f(f) {
    inScope.assign(f.values.size(), false);
    everDefined.assign(f.values.size(), false);
  }

  void run() {
    if (f.body.insts.empty() || f.body.insts.back()->kind != IrOp::Return)
      fail("body does not end in return");
    block(f.body, Term::Return);
    const Inst &ret = *f.body.insts.back();
    if (ret.operands.size() != f.resultTypes.size())
      fail("returns " + std::to_string(ret.operands.size()) + " values, declared " +
           std::to_string(f.resultTypes.size()));
    for (size_t i = 0; i < ret.operands.size(); ++i)
      if (!(f.type(ret.operands[i]) == f.resultTypes[i]))
        fail("return value " + std::to_string(i) + " has the wrong type");
  }

private:
  enum class Term { Return, Yield, Condition };

  const Module &m;
  const Function &f;
  std::vector<bool> inScope, everDefined;
  const Inst *cur = nullptr;

  [[noreturn]] void fail(const std::string &msg) {
    std::string where = "func @" + f.name;
    if (cur) {
      where += ", ";
      if (!cur->results.empty() && cur->results[0] < f.values.size())
        where += pct(cur->results[0]) + " = ";
      where += name(*cur);
    }
    throw VerifyError{where + ": " + msg};
  }

  static std::string name(const Inst &in) {
    switch (in.kind) {
    case IrOp::Bc:
      return std::string(bc::info(in.op).mnemonic);
    case IrOp::Const:
      return "const";
    case IrOp::Call:
      return "call";
    case IrOp::Return:
      return "return";
    case IrOp::For:
      return "for";
    case IrOp::If:
      return "if";
    case IrOp::While:
      return "while";
    case IrOp::Yield:
      return "yield";
    case IrOp::Condition:
      return "condition";
    }
    return "?";
  }

  const Type &type(ValueId v) {
    if (v >= f.values.size()) fail("value " + pct(v) + " does not exist");
    return f.type(v);
  }

  void define(const std::vector<ValueId> &vs, const char *what) {
    for (ValueId v : vs) {
      type(v);
      if (everDefined[v]) fail(std::string(what) + " " + pct(v) + " is defined twice");
      everDefined[v] = inScope[v] = true;
    }
  }

  void use(ValueId v) {
    type(v);
    if (!inScope[v])
      fail(pct(v) + (everDefined[v] ? " is used outside the region that defines it"
                                    : " is used before its definition"));
  }

  // Verifies a block; its values go out of scope at the end.
  void block(const Block &b, Term term) {
    if (b.insts.empty()) fail("region is empty (it must end in a terminator)");
    define(b.args, "block argument");
    std::vector<ValueId> defined(b.args.begin(), b.args.end());
    for (size_t i = 0; i < b.insts.size(); ++i) {
      const Inst &in = *b.insts[i];
      cur = &in;
      bool last = i + 1 == b.insts.size();
      bool isTerm = in.kind == IrOp::Return || in.kind == IrOp::Yield || in.kind == IrOp::Condition;
      if (isTerm && !last) fail("terminator in the middle of a region");
      if (last) {
        IrOp want = term == Term::Return  ? IrOp::Return
                    : term == Term::Yield ? IrOp::Yield
                                          : IrOp::Condition;
        if (in.kind != want)
          fail("region must end in " + std::string(want == IrOp::Return  ? "return"
                                                   : want == IrOp::Yield ? "yield"
                                                                         : "condition"));
      }
      for (ValueId v : in.operands)
        use(v);
      inst(in);
      cur = &in;
      define(in.results, "result");
      defined.insert(defined.end(), in.results.begin(), in.results.end());
    }
    for (ValueId v : defined)
      inScope[v] = false;
  }

  void needScalar(ValueId v, Vis vis, const char *what) {
    const Type &t = type(v);
    if (t.vis != vis || t.len() != 1)
      fail(std::string(what) + " must be a " + (vis == Vis::Public ? "public" : "secret") +
           " scalar");
  }

  void sameTypes(const std::vector<ValueId> &a, size_t aFrom, const std::vector<ValueId> &b,
                 size_t bFrom, const char *what) {
    if (a.size() - aFrom != b.size() - bFrom)
      fail(std::string(what) + ": " + std::to_string(a.size() - aFrom) + " values for " +
           std::to_string(b.size() - bFrom));
    for (size_t i = aFrom, k = bFrom; i < a.size(); ++i, ++k)
      if (!(type(a[i]) == type(b[k])))
        fail(std::string(what) + ": value " + std::to_string(i - aFrom) + " has the wrong type");
  }

  const Inst &terminator(const Block &b) { return *b.insts.back(); }

  void inst(const Inst &in) {
    switch (in.kind) {
    case IrOp::Bc:
      bcInst(in);
      return;
    case IrOp::Const: {
      if (in.results.size() != 1 || !in.operands.empty() || !in.regions.empty())
        fail("const has one result and no operands");
      const Type &t = type(in.results[0]);
      if (t.isSecret()) fail("a constant is public");
      if (in.constData.size() != t.len())
        fail("constant has " + std::to_string(in.constData.size()) + " elements, type has " +
             std::to_string(t.len()));
      return;
    }
    case IrOp::Call: {
      if (in.callee >= m.functions.size())
        fail("callee " + std::to_string(in.callee) + " does not exist");
      const Function &g = m.functions[in.callee];
      if (in.operands.size() != g.body.args.size())
        fail("@" + g.name + " takes " + std::to_string(g.body.args.size()) + " arguments, got " +
             std::to_string(in.operands.size()));
      for (size_t i = 0; i < in.operands.size(); ++i)
        if (g.body.args[i] >= g.values.size() || !(type(in.operands[i]) == g.type(g.body.args[i])))
          fail("argument " + std::to_string(i) + " of @" + g.name + " has the wrong type");
      if (in.results.size() != g.resultTypes.size())
        fail("@" + g.name + " returns " + std::to_string(g.resultTypes.size()) +
             " values, call has " + std::to_string(in.results.size()));
      for (size_t i = 0; i < in.results.size(); ++i)
        if (!(type(in.results[i]) == g.resultTypes[i]))
          fail("result " + std::to_string(i) + " of @" + g.name + " has the wrong type");
      return;
    }
    case IrOp::Return:
    case IrOp::Yield:
    case IrOp::Condition:
      if (!in.results.empty() || !in.regions.empty())
        fail("a terminator has no results and no regions");
      return;
    case IrOp::For: {
      if (in.operands.size() < 2) fail("for needs lower and upper bounds");
      needScalar(in.operands[0], Vis::Public, "lower bound");
      needScalar(in.operands[1], Vis::Public, "upper bound");
      if (in.regions.size() != 1) fail("for has one region");
      const Block &body = in.regions[0];
      if (body.args.empty()) fail("for body needs the induction variable as its first argument");
      needScalar(body.args[0], Vis::Public, "induction variable");
      sameTypes(body.args, 1, in.operands, 2, "loop-carried values vs initial values");
      sameTypes(in.results, 0, in.operands, 2, "for results vs initial values");
      block(body, Term::Yield);
      cur = &in;
      sameTypes(terminator(body).operands, 0, in.results, 0, "yield vs for results");
      return;
    }
    case IrOp::If: {
      if (in.operands.size() != 1) fail("if has exactly one operand, the condition");
      needScalar(in.operands[0], Vis::Public, "if condition");
      if (in.regions.size() != 2) fail("if has a then and an else region");
      for (const Block &b : in.regions) {
        if (!b.args.empty()) fail("if regions take no arguments");
        block(b, Term::Yield);
        cur = &in;
        sameTypes(terminator(b).operands, 0, in.results, 0, "yield vs if results");
      }
      return;
    }
    case IrOp::While: {
      if (in.regions.size() != 2) fail("while has a before and an after region");
      const Block &before = in.regions[0], &after = in.regions[1];
      sameTypes(before.args, 0, in.operands, 0, "while arguments vs initial values");
      block(before, Term::Condition);
      cur = &in;
      const Inst &cond = terminator(before);
      if (cond.operands.empty()) fail("condition needs a boolean operand");
      needScalar(cond.operands[0], Vis::Public, "while condition");
      sameTypes(cond.operands, 1, in.results, 0, "condition values vs while results");
      sameTypes(after.args, 0, in.results, 0, "do arguments vs while results");
      block(after, Term::Yield);
      cur = &in;
      sameTypes(terminator(after).operands, 0, in.operands, 0, "yield vs while initial values");
      return;
    }
    }
  }

  void bcInst(const Inst &in) {
    if (bc::isBackEndOnly(in.op))
      fail("this opcode is emitted by the back end and cannot appear in the IR");
    if (!in.regions.empty()) fail("a bytecode instruction has no regions");
    const bc::OpInfo &oi = bc::info(in.op);
    size_t reads = 0, imms = 0, writes = 0;
    for (bc::Operand c : oi.operands) {
      reads += bc::isRegister(c) && bc::isRead(c);
      writes += bc::isWritten(c);
      imms += !bc::isRegister(c);
    }
    if (in.operands.size() != reads)
      fail("takes " + std::to_string(reads) + " register operands, got " +
           std::to_string(in.operands.size()));
    if (in.imms.size() != imms)
      fail("takes " + std::to_string(imms) + " immediates, got " + std::to_string(in.imms.size()));
    if (in.results.size() != writes)
      fail("has " + std::to_string(writes) + " results, got " + std::to_string(in.results.size()));
    // Visibility of every register operand, and the lengths used by the rules below.
    std::vector<uint64_t> len; // per operand code, 0 for immediates
    std::vector<int64_t> imm;
    size_t nextOp = 0, nextImm = 0;
    for (bc::Operand c : oi.operands) {
      ValueId v = kNoValue;
      if (bc::isRead(c))
        v = in.operands[nextOp++];
      else if (bc::isWritten(c))
        v = in.results[0];
      if (v == kNoValue) {
        imm.push_back(in.imms[nextImm++]);
        len.push_back(0);
        continue;
      }
      imm.push_back(0);
      const Type &t = type(v);
      bool secret = bc::isSecret(c);
      if (t.isSecret() != secret)
        fail("operand " + pct(v) + " must be " + (secret ? "secret" : "public"));
      len.push_back(t.len());
    }
    if (bc::isStore(in.op) && !(type(in.results[0]) == type(in.operands[0])))
      fail("an in-place store has the type of the vector it updates");
    uint64_t resLen = writes ? type(in.results[0]).len() : 0;
    if (writes && resLen == 0) fail("result has length 0");
    lengths(in, oi, len, imm, resLen);
  }

  void lengths(const Inst &in, const bc::OpInfo &oi, const std::vector<uint64_t> &len,
               const std::vector<int64_t> &imm, uint64_t resLen) {
    switch (oi.len) {
    case bc::LenRule::None:
    case bc::LenRule::Const:
    case bc::LenRule::Cond:
    case bc::LenRule::Slice:
    case bc::LenRule::SliceDyn:
    case bc::LenRule::Store:
    case bc::LenRule::StoreDyn:
      return; // bounds of slices and stores are checked by the bytecode verifier
    case bc::LenRule::Elementwise:
      for (size_t k = 1; k < oi.operands.size(); ++k) {
        const bc::Operand c = oi.operands[k];
        if (bc::isRegister(c) && len[k] != resLen && len[k] != 1)
          fail("operand " + std::to_string(k) + " has length " + std::to_string(len[k]) +
               ", result " + std::to_string(resLen));
        if (c == bc::Operand::Imm && (imm[k] < 0 || imm[k] > 63))
          fail("shift " + std::to_string(imm[k]) + " is outside 0..63");
      }
      return;
    case bc::LenRule::Reduce:
      if (len[1] % resLen != 0)
        fail("source length " + std::to_string(len[1]) + " is not a multiple of " +
             std::to_string(resLen));
      return;
    case bc::LenRule::MatMul:
      if (imm[3] < 1 || imm[4] < 1 || imm[5] < 1 || len[1] != uint64_t(imm[3] * imm[4]) ||
          len[2] != uint64_t(imm[4] * imm[5]) || resLen != uint64_t(imm[3] * imm[5]))
        fail("matrix dimensions do not match the operand lengths");
      return;
    case bc::LenRule::Input:
      if (uint64_t(imm[1]) >= m.inputs.size())
        fail("input #" + std::to_string(imm[1]) + " is not in the input table");
      if (m.inputs[imm[1]].size() != resLen)
        fail("length differs from input '" + m.inputs[imm[1]].name + "'");
      return;
    case bc::LenRule::Output:
      if (uint64_t(imm[1]) >= m.outputs.size())
        fail("output #" + std::to_string(imm[1]) + " is not in the output table");
      if (m.outputs[imm[1]].size() != len[0])
        fail("length differs from output '" + m.outputs[imm[1]].name + "'");
      return;
    case bc::LenRule::Rows:
      if (len[1] != resLen || imm[2] < 1 || resLen % uint64_t(imm[2]) != 0)
        fail("rows of " + std::to_string(imm[2]) + " do not fit lengths " + std::to_string(len[1]) +
             " -> " + std::to_string(resLen));
      return;
    case bc::LenRule::Gather:
    case bc::LenRule::Scatter: {
      const bool g = oi.len == bc::LenRule::Gather;
      const uint64_t dense = g ? resLen : len[1], other = g ? len[1] : resLen;
      if (imm[3] < 1 || other % uint64_t(imm[3]) != 0 || len[2] * uint64_t(imm[3]) != dense ||
          (!g && len[1] != resLen))
        fail("rows of " + std::to_string(imm[3]) + " do not fit the lengths of a " +
             (g ? "gather" : "scatter"));
      return;
    }
    }
  }
};

} // namespace

std::string verify(const Module &m) {
  if (m.mainIndex >= m.functions.size()) return "module has no main function";
  for (const Function &f : m.functions) {
    try {
      Verifier(m, f).run();
    } catch (const VerifyError &e) {
      return e.msg;
    }
  }
  return {};
}

} // namespace smpc::ir

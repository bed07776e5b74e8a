//===- verify.cpp - structural checks the VM relies on --------------------===//
//
// After verifyProgram succeeds the interpreter may index registers, tables
// and static slices without checks; only run-time offsets (slice.dp, ...),
// divisions and the step limit are checked while running. Arithmetic on
// operands is done in 128 bits so hostile values cannot overflow.
//===----------------------------------------------------------------------===//
#include "vm/bytecode/limits.h"
#include "vm/bytecode/serialize.h"

#include <cctype>
#include <set>
#include <string>

namespace smpc::bc {

namespace {

using i128 = __int128;

std::string str(i128 v) {
  if (v >= INT64_MIN && v <= INT64_MAX) return std::to_string(static_cast<int64_t>(v));
  return v < 0 ? "a huge negative number" : "a huge number";
}

struct VerifyError {
  std::string msg;
};

class Verifier {
public:
  explicit Verifier(const Program &p) : p(p) {}

  void run() {
    header();
    table(p.inputs, "input", true);
    table(p.outputs, "output", false);
    if (p.code.size() > kMaxInstructions) fail("too many instructions");
    for (size_t pc = 0; pc < p.code.size(); ++pc)
      instr(pc, p.code[pc]);
    roundGroups();
    sourceMap();
  }

private:
  [[noreturn]] void fail(const std::string &m) { throw VerifyError{m}; }
  [[noreturn]] void failAt(size_t pc, const std::string &m) {
    fail("instruction " + std::to_string(pc) + " (" + std::string(info(p.code[pc].op).mnemonic) +
         "): " + m);
  }

  void header() {
    if (p.version != kVersion) fail("version " + std::to_string(p.version) + " is not supported");
    if (p.ringBits != 64)
      fail("ring of " + std::to_string(p.ringBits) + " bits is not supported (only 64)");
    if (p.fracBits >= 63) fail("fraction bits must be below 63, got " + std::to_string(p.fracBits));
    if (p.minParties < 1 || p.minParties > kMaxParties)
      fail("party count " + std::to_string(p.minParties) + " is outside 1.." +
           std::to_string(kMaxParties));
    uint64_t total = 0;
    for (auto *bank : {&p.sregLen, &p.pregLen}) {
      if (bank->size() > kMaxRegisters) fail("too many registers");
      for (size_t i = 0; i < bank->size(); ++i) {
        uint32_t l = (*bank)[i];
        const char *b = bank == &p.sregLen ? "s" : "p";
        if (l == 0) fail("register " + std::string(b) + std::to_string(i) + " has length 0");
        if (l > kMaxVectorLen)
          fail("register " + std::string(b) + std::to_string(i) + " is longer than " +
               std::to_string(kMaxVectorLen));
        total += l;
      }
    }
    if (total > kMaxRegisterElems)
      fail("registers need " + std::to_string(total) + " elements, above the limit of " +
           std::to_string(kMaxRegisterElems));
    uint64_t consts = 0;
    for (size_t i = 0; i < p.consts.size(); ++i) {
      if (p.consts[i].empty()) fail("constant " + std::to_string(i) + " is empty");
      consts += p.consts[i].size();
    }
    if (consts > kMaxConstElems)
      fail("constants exceed the limit of " + std::to_string(kMaxConstElems) + " elements");
  }

  void table(const std::vector<IoEntry> &t, const char *kind, bool isInput) {
    if (t.size() > kMaxIoEntries) fail(std::string("too many ") + kind + "s");
    std::set<std::string> names;
    for (size_t i = 0; i < t.size(); ++i) {
      const IoEntry &e = t[i];
      std::string what = std::string(kind) + " " + std::to_string(i);
      if (e.name.empty() || e.name.size() > 255)
        fail(what + " has a name of length " + std::to_string(e.name.size()) + " (1..255)");
      for (char c : e.name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'))
          fail(what + " has a name with a character other than letters, digits, '_' or '.'");
      what = std::string(kind) + " '" + e.name + "'";
      if (!names.insert(e.name).second) fail(what + " is declared twice");
      if (static_cast<uint8_t>(e.elem) > static_cast<uint8_t>(ElemType::Bool))
        fail(what + " has an unknown element type");
      if (e.ndims > 2) fail(what + " has " + std::to_string(e.ndims) + " dimensions (at most 2)");
      if (e.rows == 0 || e.cols == 0) fail(what + " has an empty dimension");
      if ((e.ndims == 0 && (e.rows != 1 || e.cols != 1)) || (e.ndims == 1 && e.cols != 1))
        fail(what + " has a shape that does not match its dimension count");
      if (e.size() > kMaxVectorLen)
        fail(what + " has more than " + std::to_string(kMaxVectorLen) + " elements");
      if (isInput && e.party >= p.minParties)
        fail(what + " is owned by party " + std::to_string(e.party) + " but the program has " +
             std::to_string(p.minParties) + " parties");
      if (isInput && !e.recipients.empty()) fail(what + " lists recipients");
      for (uint32_t r : e.recipients)
        if (r >= p.minParties)
          fail(what + " goes to party " + std::to_string(r) + " but the program has " +
               std::to_string(p.minParties) + " parties");
    }
  }

  // Length of register operand k of `in`, after checking its index and bank.
  uint64_t reg(size_t pc, const Instr &in, unsigned k) {
    bool secret = isSecret(operandKind(in.op, k));
    const auto &bank = secret ? p.sregLen : p.pregLen;
    int64_t r = in.a[k];
    if (r < 0 || uint64_t(r) >= bank.size())
      failAt(pc, "operand " + std::to_string(k + 1) + " names " + (secret ? "secret" : "public") +
                     " register " + std::to_string(r) + " but there are " +
                     std::to_string(bank.size()));
    return bank[r];
  }

  void instr(size_t pc, const Instr &in) {
    if (static_cast<unsigned>(in.op) >= kNumOps)
      fail("instruction " + std::to_string(pc) + " has an unknown opcode");
    const OpInfo &oi = info(in.op);
    uint64_t len[kMaxOperands] = {};
    for (unsigned k = 0; k < oi.operands.size(); ++k) {
      int64_t v = in.a[k];
      switch (oi.operands[k]) {
      case Operand::SW:
      case Operand::SR:
      case Operand::SU:
      case Operand::PW:
      case Operand::PR:
      case Operand::PU:
        len[k] = reg(pc, in, k);
        break;
      case Operand::Tgt:
        if (v < 0 || uint64_t(v) > p.code.size())
          failAt(pc, "jump target " + std::to_string(v) + " is outside the program");
        break;
      case Operand::In:
        if (v < 0 || uint64_t(v) >= p.inputs.size())
          failAt(pc, "input index " + std::to_string(v) + " is not in the input table");
        break;
      case Operand::Out:
        if (v < 0 || uint64_t(v) >= p.outputs.size())
          failAt(pc, "output index " + std::to_string(v) + " is not in the output table");
        break;
      case Operand::Cst:
        if (v < 0 || uint64_t(v) >= p.consts.size())
          failAt(pc, "constant index " + std::to_string(v) + " is not in the constant pool");
        break;
      case Operand::Imm:
        break; // checked per LenRule below
      }
    }
    for (unsigned k = static_cast<unsigned>(oi.operands.size()); k < kMaxOperands; ++k)
      if (in.a[k] != 0) failAt(pc, "unused operand " + std::to_string(k + 1) + " is not 0");
    lengths(pc, in, len);
  }

  void lengths(size_t pc, const Instr &in, const uint64_t *len) {
    const OpInfo &oi = info(in.op);
    const auto &a = in.a;
    switch (oi.len) {
    case LenRule::None:
      if (in.op == Op::Round && (a[0] < 1 || uint64_t(a[0]) > p.code.size()))
        failAt(pc, "group size " + std::to_string(a[0]) + " is not a positive instruction count");
      return;
    case LenRule::Const:
      if (len[0] != p.consts[a[1]].size())
        failAt(pc, "register length " + std::to_string(len[0]) + " differs from constant length " +
                       std::to_string(p.consts[a[1]].size()));
      return;
    case LenRule::Elementwise:
      for (unsigned k = 1; k < oi.operands.size(); ++k) {
        const Operand c = oi.operands[k];
        if (isRegister(c) && len[k] != len[0] && len[k] != 1)
          failAt(pc, "operand " + std::to_string(k + 1) + " has length " + std::to_string(len[k]) +
                         " but the result has length " + std::to_string(len[0]) +
                         " (must be equal or 1)");
        if (c == Operand::Imm && (a[k] < 0 || a[k] > 63))
          failAt(pc, "shift " + std::to_string(a[k]) + " is outside 0..63");
      }
      return;
    case LenRule::Slice:
    case LenRule::SliceDyn:
      pattern(pc, in, len[0], len[1], /*isStore=*/false, oi.len == LenRule::SliceDyn, len[2]);
      return;
    case LenRule::Store:
    case LenRule::StoreDyn:
      pattern(pc, in, len[1], len[0], /*isStore=*/true, oi.len == LenRule::StoreDyn, len[2]);
      return;
    case LenRule::Reduce:
      if (len[1] % len[0] != 0)
        failAt(pc, "source length " + std::to_string(len[1]) +
                       " is not a multiple of result length " + std::to_string(len[0]));
      return;
    case LenRule::MatMul: {
      for (int k = 3; k < 6; ++k)
        if (a[k] < 1 || uint64_t(a[k]) > kMaxVectorLen)
          failAt(pc, "matrix dimension " + std::to_string(a[k]) + " is out of range");
      i128 d = a[3], e = a[4], f = a[5];
      if (len[1] != d * e || len[2] != e * f || len[0] != d * f)
        failAt(pc, "matrix shapes " + str(d) + "x" + str(e) + " @ " + str(e) + "x" + str(f) +
                       " do not match register lengths " + std::to_string(len[1]) + ", " +
                       std::to_string(len[2]) + " -> " + std::to_string(len[0]));
      return;
    }
    case LenRule::Input:
      if (len[0] != p.inputs[a[1]].size())
        failAt(pc, "register length " + std::to_string(len[0]) + " differs from input '" +
                       p.inputs[a[1]].name + "' of " + std::to_string(p.inputs[a[1]].size()) +
                       " elements");
      return;
    case LenRule::Output:
      if (len[0] != p.outputs[a[1]].size())
        failAt(pc, "register length " + std::to_string(len[0]) + " differs from output '" +
                       p.outputs[a[1]].name + "' of " + std::to_string(p.outputs[a[1]].size()) +
                       " elements");
      return;
    case LenRule::Cond:
      if (len[0] != 1)
        failAt(pc, "condition register has length " + std::to_string(len[0]) + ", not 1");
      return;
    case LenRule::Rows:
      if (len[1] != len[0])
        failAt(pc, "operand 2 has length " + std::to_string(len[1]) +
                       " but the result has length " + std::to_string(len[0]) + " (must be equal)");
      if (a[2] < 1 || uint64_t(a[2]) > len[0] || len[0] % uint64_t(a[2]) != 0)
        failAt(pc, "row length " + std::to_string(a[2]) + " does not divide length " +
                       std::to_string(len[0]));
      return;
    case LenRule::Gather:
    case LenRule::Scatter: {
      // Rows of D elements; one index per row of the dense side (A for a
      // gather, B for a scatter).
      const uint64_t dense = oi.len == LenRule::Gather ? len[0] : len[1];
      const uint64_t other = oi.len == LenRule::Gather ? len[1] : len[0];
      if (a[3] < 1 || uint64_t(a[3]) > other || other % uint64_t(a[3]) != 0)
        failAt(pc, "row length " + std::to_string(a[3]) + " does not divide length " +
                       std::to_string(other));
      if (i128(len[2]) * a[3] != i128(dense))
        failAt(pc, "index register has length " + std::to_string(len[2]) + " but " +
                       std::to_string(dense / uint64_t(a[3])) + " rows are " +
                       (oi.len == LenRule::Gather ? "gathered" : "scattered"));
      if (oi.len == LenRule::Scatter && len[0] != len[1])
        failAt(pc, "a scatter's result has length " + std::to_string(len[0]) +
                       " but its source has length " + std::to_string(len[1]) +
                       " (must be equal: it permutes rows)");
      return;
    }
    }
  }

  // Slice and store access pattern: element (r, c) of the dense side (length
  // denseLen, D columns) maps to strided index C + r*E + c*F of the other side.
  void pattern(size_t pc, const Instr &in, uint64_t denseLen, uint64_t stridedLen, bool isStore,
               bool dyn, uint64_t offsetLen) {
    const auto &a = in.a;
    if (a[3] < 1 || uint64_t(a[3]) > denseLen || denseLen % uint64_t(a[3]) != 0)
      failAt(pc, "column count " + std::to_string(a[3]) + " does not divide length " +
                     std::to_string(denseLen));
    if (dyn && offsetLen != 1)
      failAt(pc, "offset register has length " + std::to_string(offsetLen) + ", not 1");
    i128 rows = denseLen / uint64_t(a[3]), cols = a[3];
    i128 e = a[4], f = a[5];
    i128 lo = (e < 0 ? (rows - 1) * e : 0) + (f < 0 ? (cols - 1) * f : 0);
    i128 hi = (e > 0 ? (rows - 1) * e : 0) + (f > 0 ? (cols - 1) * f : 0);
    if (dyn) {
      // The offset is only known at run time; the span must still fit.
      if (hi - lo >= i128(stridedLen))
        failAt(pc, std::string(isStore ? "stored" : "sliced") + " pattern spans " +
                       str(hi - lo + 1) + " elements but the register has " +
                       std::to_string(stridedLen));
      return;
    }
    i128 c0 = a[2];
    if (c0 + lo < 0 || c0 + hi >= i128(stridedLen))
      failAt(pc, std::string(isStore ? "store" : "slice") + " touches elements " + str(c0 + lo) +
                     ".." + str(c0 + hi) + " of a register of length " +
                     std::to_string(stridedLen));
  }

  // Registers an interactive instruction writes and reads, as (bank, index).
  void effects(const Instr &in, std::set<std::pair<Bank, int64_t>> &w,
               std::set<std::pair<Bank, int64_t>> &r) {
    const OperandList &ops = info(in.op).operands;
    for (size_t k = 0; k < ops.size(); ++k) {
      const Bank bank = info(ops[k]).bank;
      if (isWritten(ops[k])) w.insert({bank, in.a[k]});
      if (isRead(ops[k])) r.insert({bank, in.a[k]});
    }
  }

  void roundGroups() {
    std::vector<bool> inside(p.code.size() + 1, false);
    for (size_t pc = 0; pc < p.code.size(); ++pc) {
      if (p.code[pc].op != Op::Round) continue;
      uint64_t n = uint64_t(p.code[pc].a[0]);
      if (pc + n >= p.code.size())
        failAt(pc, "group of " + std::to_string(n) + " runs past the end of the program");
      std::set<std::pair<Bank, int64_t>> written, read;
      for (size_t q = pc + 1; q <= pc + n; ++q) {
        if (!isInteractive(p.code[q].op))
          failAt(pc, "instruction " + std::to_string(q) + " in the group is not interactive");
        std::set<std::pair<Bank, int64_t>> w, r;
        effects(p.code[q], w, r);
        for (const auto &x : r)
          if (written.count(x))
            failAt(pc, "instruction " + std::to_string(q) +
                           " reads a register written earlier in the same group");
        // The protocol may run the group's operations in any order, so no
        // operation may see another's result or clobber another's operand.
        for (const auto &x : w) {
          if (!written.insert(x).second)
            failAt(pc, "instruction " + std::to_string(q) +
                           " writes a register written earlier in the same group");
          if (read.count(x))
            failAt(pc, "instruction " + std::to_string(q) +
                           " writes a register read earlier in the same group");
        }
        read.insert(r.begin(), r.end());
        inside[q] = true;
      }
      pc += n;
    }
    for (size_t pc = 0; pc < p.code.size(); ++pc) {
      const Instr &in = p.code[pc];
      for (unsigned k = 0; k < numOperands(in.op); ++k) {
        int64_t t = in.a[k];
        if (operandKind(in.op, k) == Operand::Tgt && inside[t])
          failAt(pc, "jumps into the middle of a round group at instruction " + std::to_string(t));
      }
    }
  }

  void sourceMap() {
    if (p.srcmap.empty()) return;
    if (p.srcmap.size() != p.code.size())
      fail("source map has " + std::to_string(p.srcmap.size()) + " entries for " +
           std::to_string(p.code.size()) + " instructions");
    for (const std::string &f : p.files)
      if (f.size() > kMaxStringLen) fail("source file name is too long");
    for (size_t pc = 0; pc < p.srcmap.size(); ++pc)
      if (p.srcmap[pc].line != 0 && p.srcmap[pc].file >= p.files.size())
        fail("source map entry " + std::to_string(pc) + " names file " +
             std::to_string(p.srcmap[pc].file) + " but there are " +
             std::to_string(p.files.size()));
  }

  const Program &p;
};

} // namespace

std::string verifyProgram(const Program &prog) {
  try {
    Verifier(prog).run();
  } catch (const VerifyError &e) {
    return e.msg;
  }
  return {};
}

} // namespace smpc::bc

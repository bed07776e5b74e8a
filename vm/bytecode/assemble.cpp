//===- assemble.cpp - parser for the assembly text -------------------------===//
//
// Line-oriented: `.directive args`, or `[N:] mnemonic op, op, ...`, each
// optionally followed by `; comment`. On an instruction line a comment of the
// form `; FILE:LINE:COL` naming a `.file` is its source position.
//===----------------------------------------------------------------------===//
#include "vm/bytecode/assemble.h"

#include "vm/bytecode/limits.h"
#include "vm/bytecode/serialize.h"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace smpc::bc {

namespace {

struct AsmError {
  std::string msg;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

class Assembler {
public:
  explicit Assembler(Program &p) : p(p) { p = Program{}; }

  void line(std::string_view raw, size_t lineNo) {
    no = lineNo;
    std::string_view comment;
    if (size_t semi = raw.find(';'); semi != std::string_view::npos) {
      comment = trim(raw.substr(semi + 1));
      raw = raw.substr(0, semi);
    }
    std::string_view s = trim(raw);
    if (s.empty()) return;
    if (s.front() == '.')
      directive(s);
    else
      instruction(s, comment);
  }

  void finish() {
    if (!anyLoc) p.srcmap.clear();
  }

private:
  [[noreturn]] void fail(const std::string &m) {
    throw AsmError{"line " + std::to_string(no) + ": " + m};
  }

  // Splits on spaces (after the directive name).
  static std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> w;
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
        ++i;
      size_t j = i;
      while (j < s.size() && s[j] != ' ' && s[j] != '\t')
        ++j;
      if (j > i) w.push_back(s.substr(i, j - i));
      i = j;
    }
    return w;
  }

  int64_t integer(std::string_view t, const char *what) {
    t = trim(t);
    if (!t.empty() && t.front() == '+') t.remove_prefix(1);
    int64_t v = 0;
    auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    if (r.ec == std::errc::result_out_of_range && !t.empty() && t.front() != '-') {
      uint64_t u = 0; // 64-bit constants may be written unsigned
      r = std::from_chars(t.data(), t.data() + t.size(), u);
      v = int64_t(u);
    }
    if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size())
      fail(std::string("expected an integer for ") + what + ", got '" + std::string(t) + "'");
    return v;
  }

  uint32_t count(std::string_view t, const char *what) {
    int64_t v = integer(t, what);
    if (v < 0 || v > int64_t(UINT32_MAX))
      fail(std::string(what) + " " + std::to_string(v) + " is out of range");
    return uint32_t(v);
  }

  void directive(std::string_view s) {
    auto w = words(s);
    std::string_view d = w[0];
    auto args = std::vector<std::string_view>(w.begin() + 1, w.end());
    auto one = [&](const char *what) {
      if (args.size() != 1) fail(std::string(d) + " takes one value");
      return integer(args[0], what);
    };
    if (d == ".fracbits") {
      int64_t v = one("fraction bits");
      if (v < 0 || v > 255) fail("fraction bits out of range");
      p.fracBits = uint8_t(v);
    } else if (d == ".parties") {
      p.minParties = count(args.size() == 1 ? args[0] : "", "party count");
    } else if (d == ".sregs" || d == ".pregs") {
      auto &bank = d == ".sregs" ? p.sregLen : p.pregLen;
      for (std::string_view a : args) {
        if (bank.size() >= kMaxRegisters) fail("too many registers");
        bank.push_back(count(a, "register length"));
      }
    } else if (d == ".const") {
      if (p.consts.size() >= kMaxRegisters) fail("too many constants");
      std::vector<uint64_t> c;
      for (std::string_view a : args)
        c.push_back(uint64_t(integer(a, "constant value")));
      p.consts.push_back(std::move(c));
    } else if (d == ".input" || d == ".output") {
      io(s.substr(d.size()), d == ".input");
    } else if (d == ".needs") {
      needs(args);
    } else if (d == ".file") {
      std::string_view name = trim(s.substr(d.size()));
      if (name.empty() || name.size() > kMaxStringLen) fail(".file needs a name");
      p.files.emplace_back(name);
    } else {
      fail("unknown directive '" + std::string(d) + "'");
    }
  }

  // .needs NAME=COUNT ... rounds=R exact|upper-bound|per-iteration, NAME a
  // kind of material.def; kinds not named are 0.
  void needs(const std::vector<std::string_view> &args) {
    if (args.empty()) fail(".needs takes NAME=COUNT pairs and exact|upper-bound|per-iteration");
    bool found = false;
    for (auto prec :
         {NeedsPrecision::Exact, NeedsPrecision::UpperBound, NeedsPrecision::PerIteration})
      if (args.back() == precisionName(prec)) p.needs.precision = prec, found = true;
    if (!found) fail(".needs ends with exact, upper-bound or per-iteration");
    std::vector<std::string_view> seen;
    for (size_t i = 0; i + 1 < args.size(); ++i) {
      const size_t eq = args[i].find('=');
      if (eq == std::string_view::npos)
        fail(".needs takes NAME=COUNT pairs, got '" + std::string(args[i]) + "'");
      const std::string_view name = args[i].substr(0, eq);
      if (std::find(seen.begin(), seen.end(), name) != seen.end())
        fail(".needs names '" + std::string(name) + "' twice");
      seen.push_back(name);
      const int64_t v = integer(args[i].substr(eq + 1), "a preprocessing count");
      if (v < 0) fail(".needs counts must not be negative");
      if (name == "rounds")
        p.needs.rounds = uint64_t(v);
      else if (auto k = materialFromName(name))
        p.needs.material[*k] = uint64_t(v);
      else
        fail("unknown preprocessing material '" + std::string(name) +
             "' in .needs (known: " + materialNames() + ", rounds)");
    }
  }

  // NAME: TYPE from party P   |   NAME: TYPE to all   |   NAME: TYPE to party A, B
  void io(std::string_view s, bool isInput) {
    IoEntry e;
    size_t colon = s.find(':');
    if (colon == std::string_view::npos)
      fail(std::string(isInput ? ".input" : ".output") + " needs NAME: TYPE");
    e.name = std::string(trim(s.substr(0, colon)));
    s = trim(s.substr(colon + 1));
    size_t sp = s.find_first_of(" \t");
    size_t br = s.find(']');
    size_t typeEnd =
        br != std::string_view::npos && (sp == std::string_view::npos || br > sp) ? br + 1 : sp;
    std::string_view type = s.substr(0, typeEnd);
    std::string_view rest = typeEnd == std::string_view::npos ? "" : trim(s.substr(typeEnd));
    std::string_view base = type.substr(0, type.find('['));
    base = trim(base);
    e.secret = !base.empty() && base.front() == 's';
    std::string_view kind = e.secret ? base.substr(1) : base;
    if (kind == "int")
      e.elem = ElemType::Int;
    else if (kind == "fix")
      e.elem = ElemType::Fix;
    else if (kind == "bool")
      e.elem = ElemType::Bool;
    else
      fail("unknown element type '" + std::string(base) + "'");
    if (size_t lb = type.find('['); lb != std::string_view::npos) {
      std::string_view dims = type.substr(lb + 1, type.size() - lb - 2);
      size_t comma = dims.find(',');
      e.ndims = comma == std::string_view::npos ? 1 : 2;
      e.rows = count(dims.substr(0, comma), "rows");
      if (comma != std::string_view::npos) e.cols = count(dims.substr(comma + 1), "columns");
    }
    if (isInput) {
      if (rest.substr(0, 11) != "from party ") fail(".input needs 'from party N'");
      e.party = count(rest.substr(11), "party");
      p.inputs.push_back(e);
      return;
    }
    if (rest == "to all") {
      p.outputs.push_back(e);
      return;
    }
    if (rest.substr(0, 9) != "to party ") fail(".output needs 'to all' or 'to party N, ...'");
    std::string_view list = rest.substr(9);
    while (true) {
      size_t c = list.find(',');
      e.recipients.push_back(count(list.substr(0, c), "party"));
      if (c == std::string_view::npos) break;
      list = list.substr(c + 1);
      if (e.recipients.size() > kMaxParties) fail("too many recipients");
    }
    p.outputs.push_back(e);
  }

  int64_t operand(Operand kind, std::string_view t, size_t k, std::string_view mn) {
    t = trim(t);
    if (kind == Operand::Imm) return integer(t, "an immediate");
    const std::string_view pre = info(kind).prefix;
    const std::string what(info(kind).what);
    if (t.substr(0, pre.size()) != pre)
      fail("operand " + std::to_string(k + 1) + " of " + std::string(mn) + " must be " + what +
           " (" + std::string(pre) + "N), got '" + std::string(t) + "'");
    return count(t.substr(pre.size()), what.c_str());
  }

  void instruction(std::string_view s, std::string_view comment) {
    // Optional "N:" label, which must be the instruction's index.
    size_t colon = s.find(':');
    if (colon != std::string_view::npos && s.find_first_of(" \t") > colon) {
      if (integer(s.substr(0, colon), "an instruction index") != int64_t(p.code.size()))
        fail("label " + std::string(s.substr(0, colon)) + ": is not the instruction's index " +
             std::to_string(p.code.size()));
      s = trim(s.substr(colon + 1));
    }
    size_t sp = s.find_first_of(" \t");
    std::string_view mn = s.substr(0, sp);
    auto op = opFromMnemonic(mn);
    if (!op) fail("unknown instruction '" + std::string(mn) + "'");
    std::vector<std::string_view> ops;
    std::string_view rest = sp == std::string_view::npos ? "" : trim(s.substr(sp));
    while (!rest.empty()) {
      size_t c = rest.find(',');
      ops.push_back(rest.substr(0, c));
      if (c == std::string_view::npos) break;
      rest = rest.substr(c + 1);
    }
    const OperandList &codes = info(*op).operands;
    if (ops.size() != codes.size())
      fail(std::string(mn) + " takes " + std::to_string(codes.size()) + " operands, got " +
           std::to_string(ops.size()));
    if (p.code.size() >= kMaxInstructions) fail("too many instructions");
    Instr in;
    in.op = *op;
    for (size_t k = 0; k < codes.size(); ++k)
      in.a[k] = operand(codes[k], ops[k], k, mn);
    p.code.push_back(in);
    p.srcmap.push_back(location(comment));
  }

  // "FILE:LINE:COL" naming a declared .file, else no position.
  SourceLoc location(std::string_view c) {
    size_t c2 = c.rfind(':');
    if (c2 == std::string_view::npos || c2 == 0) return {};
    size_t c1 = c.rfind(':', c2 - 1);
    if (c1 == std::string_view::npos) return {};
    std::string_view file = c.substr(0, c1);
    for (size_t f = 0; f < p.files.size(); ++f)
      if (p.files[f] == file) {
        uint32_t line = 0, col = 0;
        auto r1 = std::from_chars(c.data() + c1 + 1, c.data() + c2, line);
        auto r2 = std::from_chars(c.data() + c2 + 1, c.data() + c.size(), col);
        if (r1.ec != std::errc() || r2.ec != std::errc() || r2.ptr != c.data() + c.size())
          return {};
        anyLoc = true;
        return SourceLoc{uint32_t(f), line, col};
      }
    return {};
  }

  Program &p;
  size_t no = 0;
  bool anyLoc = false;
};

} // namespace

bool assemble(std::string_view text, Program &out, std::string &error) {
  Program p;
  try {
    Assembler a(p);
    size_t lineNo = 0, start = 0;
    while (start <= text.size()) {
      size_t nl = text.find('\n', start);
      a.line(text.substr(start, nl == std::string_view::npos ? nl : nl - start), ++lineNo);
      if (nl == std::string_view::npos) break;
      start = nl + 1;
    }
    a.finish();
  } catch (const AsmError &e) {
    error = e.msg;
    return false;
  }
  error = verifyProgram(p);
  if (!error.empty()) {
    error = "invalid program: " + error;
    return false;
  }
  out = std::move(p);
  return true;
}

} // namespace smpc::bc

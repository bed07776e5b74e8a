//===- disasm.cpp - readable listing of a program -------------------------===//
#include "vm/bytecode/serialize.h"

#include <sstream>

namespace smpc::bc {

namespace {

const char *elemName(ElemType e, bool secret) {
  switch (e) {
  case ElemType::Int:
    return secret ? "sint" : "int";
  case ElemType::Fix:
    return secret ? "sfix" : "fix";
  case ElemType::Bool:
    return secret ? "sbool" : "bool";
  }
  return "?";
}

std::string shape(const IoEntry &e) {
  std::string s = elemName(e.elem, e.secret);
  if (e.ndims == 1)
    s.append("[").append(std::to_string(e.rows)).append("]");
  else if (e.ndims == 2)
    s.append("[")
        .append(std::to_string(e.rows))
        .append(", ")
        .append(std::to_string(e.cols))
        .append("]");
  return s;
}

std::string operand(Operand k, int64_t v) {
  return std::string(info(k).prefix) + std::to_string(v);
}

} // namespace

std::string disassemble(const Program &p) {
  // The header is written as assembler directives (docs/bytecode.md), so a
  // listing assembles back into the same program.
  std::ostringstream o;
  o << "; smpc bytecode v" << p.version << ": " << p.sregLen.size() << " secret and "
    << p.pregLen.size() << " public registers, " << p.code.size() << " instructions\n";
  o << ".fracbits " << int(p.fracBits) << "\n.parties " << p.minParties << "\n";
  for (auto *bank : {&p.sregLen, &p.pregLen})
    for (size_t i = 0; i < bank->size(); i += 16) {
      o << (bank == &p.sregLen ? ".sregs" : ".pregs");
      for (size_t k = i; k < bank->size() && k < i + 16; ++k)
        o << " " << (*bank)[k];
      o << "   ; " << (bank == &p.sregLen ? "s" : "p") << i << "..\n";
    }
  for (size_t i = 0; i < p.consts.size(); ++i) {
    o << ".const";
    for (uint64_t v : p.consts[i])
      o << " " << static_cast<int64_t>(v);
    o << "   ; c" << i << "\n";
  }
  for (size_t i = 0; i < p.inputs.size(); ++i)
    o << ".input " << p.inputs[i].name << ": " << shape(p.inputs[i]) << " from party "
      << p.inputs[i].party << "   ; in" << i << "\n";
  for (size_t i = 0; i < p.outputs.size(); ++i) {
    const IoEntry &e = p.outputs[i];
    o << ".output " << e.name << ": " << shape(e) << " to ";
    if (e.recipients.empty()) o << "all";
    for (size_t k = 0; k < e.recipients.size(); ++k)
      o << (k ? ", " : "party ") << e.recipients[k];
    o << "   ; out" << i << "\n";
  }
  const PreprocNeeds &n = p.needs;
  o << ".needs";
  for (Material k : kAllMaterials)
    o << " " << info(k).name << "=" << n.material[k];
  o << " rounds=" << n.rounds << " " << precisionName(n.precision) << "\n";
  for (const std::string &f : p.files)
    o << ".file " << f << "\n";
  for (size_t pc = 0; pc < p.code.size(); ++pc) {
    const Instr &in = p.code[pc];
    const OpInfo &oi = info(in.op);
    std::string line = std::to_string(pc) + ":";
    line.resize(std::max<size_t>(line.size() + 1, 7), ' ');
    line += oi.mnemonic;
    line.resize(std::max<size_t>(line.size() + 1, 18), ' ');
    for (size_t k = 0; k < oi.operands.size(); ++k)
      line += (k ? ", " : "") + operand(oi.operands[k], in.a[k]);
    if (pc < p.srcmap.size() && p.srcmap[pc].line != 0) {
      line.resize(std::max<size_t>(line.size() + 1, 48), ' ');
      const SourceLoc &l = p.srcmap[pc];
      line += "; " + (l.file < p.files.size() ? p.files[l.file] : std::string("?")) + ":" +
              std::to_string(l.line) + ":" + std::to_string(l.col);
    }
    o << line << "\n";
  }
  return o.str();
}

} // namespace smpc::bc

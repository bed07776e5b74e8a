//===- test_opcodes.cpp - opcode numbers are part of the file format -------===//
//
// A .smpcb file stores opcodes by number, so renumbering an instruction
// silently changes the meaning of every existing file. The table below pins
// the number of every mnemonic of bytecode version 2; a new opcode is added
// to opcodes.def and here at the end, or kVersion is bumped.
//===----------------------------------------------------------------------===//
#include "vm/bytecode/opcode.h"
#include "vm/bytecode/program.h"

#include <doctest/doctest.h>
#include <set>
#include <string>

using namespace smpc::bc;

namespace {

struct Pinned {
  unsigned number;
  const char *mnemonic;
};

constexpr Pinned kPinned[] = {
    {0, "ldc"},        {1, "mov.p"},      {2, "mov.s"},      {3, "c2s"},        {4, "slice.p"},
    {5, "slice.s"},    {6, "slice.dp"},   {7, "slice.ds"},   {8, "store.p"},    {9, "store.s"},
    {10, "store.dp"},  {11, "store.ds"},  {12, "add.p"},     {13, "sub.p"},     {14, "mul.p"},
    {15, "neg.p"},     {16, "div.p"},     {17, "mod.p"},     {18, "fdiv.p"},    {19, "shl.p"},
    {20, "shr.p"},     {21, "lt.p"},      {22, "eq.p"},      {23, "sum.p"},     {24, "matmul.p"},
    {25, "add.ss"},    {26, "add.sp"},    {27, "sub.ss"},    {28, "sub.sp"},    {29, "sub.ps"},
    {30, "neg.s"},     {31, "mul.sp"},    {32, "mul.ss"},    {33, "trunc.s"},   {34, "sum.s"},
    {35, "matmul.ss"}, {36, "matmul.sp"}, {37, "matmul.ps"}, {38, "ltz.s"},     {39, "eqz.s"},
    {40, "open"},      {41, "input"},     {42, "output.s"},  {43, "output.p"},  {44, "jmp"},
    {45, "jz"},        {46, "jnz"},       {47, "round"},     {48, "cumsum.p"},  {49, "cumsum.s"},
    {50, "gather.p"},  {51, "gather.s"},  {52, "scatter.p"}, {53, "scatter.s"}, {54, "shuffle.s"},
    {55, "bit.s"},
};

} // namespace

TEST_CASE("opcode numbers of bytecode version 2 are pinned") {
  // Version 2 changed the needs (one count per material kind), not the opcodes.
  REQUIRE_MESSAGE(kVersion == 2, "a new bytecode version may renumber opcodes: update kPinned");
  for (const Pinned &p : kPinned) {
    INFO("mnemonic ", p.mnemonic);
    auto op = opFromMnemonic(p.mnemonic);
    REQUIRE_MESSAGE(op.has_value(), "an opcode of version 2 was removed: bump kVersion");
    CHECK_MESSAGE(static_cast<unsigned>(*op) == p.number,
                  "opcodes.def renumbered it: add new rows at the end or bump kVersion");
  }
  for (unsigned i = std::size(kPinned); i < kNumOps; ++i)
    FAIL("opcode ", i, " (", info(Op(i)).mnemonic, ") is new: pin its number in kPinned");
}

TEST_CASE("mnemonics are unique and operand lists match the operand tables") {
  std::set<std::string> seen;
  for (unsigned i = 0; i < kNumOps; ++i) {
    const OpInfo &oi = info(Op(i));
    INFO("opcode ", oi.mnemonic);
    CHECK(seen.insert(std::string(oi.mnemonic)).second);
    CHECK(opFromMnemonic(oi.mnemonic) == Op(i));
    unsigned written = 0;
    for (Operand k : oi.operands)
      written += isWritten(k);
    CHECK(written <= 1); // the IR gives an instruction at most one result
    if (isStore(Op(i))) CHECK(isRead(operandKind(Op(i), 0)));
    CHECK(operandCodes(Op(i)).size() == numOperands(Op(i)));
  }
  CHECK(operandCodes(Op::MulSS) == "Sss");
  CHECK(operandCodes(Op::StoreDynS) == "Uspiii");
  CHECK(operandCodes(Op::Jz) == "pj");
  CHECK(isCommutative(Op::MulSS));
  CHECK(!isCommutative(Op::SubSS));
  CHECK(mayTrap(Op::DivP));
  CHECK(hasEffect(Op::Input));
  CHECK(isBackEndOnly(Op::Round));
}

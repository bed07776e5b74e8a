//===- test_roundtrip.cpp - write/read/disassemble of valid programs ------===//
#include "tests/bytecode/samples.h"
#include "vm/bytecode/assemble.h"
#include "vm/bytecode/serialize.h"

#include <doctest/doctest.h>

using namespace smpc;

static void checkSame(const bc::Program &a, const bc::Program &b) {
  CHECK(a.version == b.version);
  CHECK(a.ringBits == b.ringBits);
  CHECK(a.fracBits == b.fracBits);
  CHECK(a.minParties == b.minParties);
  CHECK(a.sregLen == b.sregLen);
  CHECK(a.pregLen == b.pregLen);
  CHECK(a.consts == b.consts);
  REQUIRE(a.inputs.size() == b.inputs.size());
  for (size_t i = 0; i < a.inputs.size(); ++i) {
    CHECK(a.inputs[i].name == b.inputs[i].name);
    CHECK(a.inputs[i].size() == b.inputs[i].size());
    CHECK(a.inputs[i].party == b.inputs[i].party);
  }
  REQUIRE(a.outputs.size() == b.outputs.size());
  for (size_t i = 0; i < a.outputs.size(); ++i)
    CHECK(a.outputs[i].recipients == b.outputs[i].recipients);
  REQUIRE(a.code.size() == b.code.size());
  for (size_t i = 0; i < a.code.size(); ++i) {
    CHECK(a.code[i].op == b.code[i].op);
    CHECK(a.code[i].a == b.code[i].a);
  }
  CHECK(a.files == b.files);
  REQUIRE(a.srcmap.size() == b.srcmap.size());
  for (size_t i = 0; i < a.srcmap.size(); ++i)
    CHECK(a.srcmap[i].line == b.srcmap[i].line);
}

TEST_CASE("valid programs survive write and read unchanged") {
  for (const bc::Program &p :
       {testing::statsProgram(4), testing::loopProgram(10), testing::matmulProgram()}) {
    REQUIRE(bc::verifyProgram(p) == "");
    auto bytes = bc::writeProgram(p);
    bc::Program q;
    std::string err;
    REQUIRE_MESSAGE(bc::readProgram(bytes, q, err), err);
    checkSame(p, q);
    CHECK(bc::writeProgram(q) == bytes);
  }
}

TEST_CASE("needs and the exact flag round-trip") {
  bc::Program p = testing::loopProgram(3);
  p.needs = bc::PreprocNeeds{1, 2, 3, 4, 5, 6, false};
  bc::Program q;
  std::string err;
  REQUIRE(bc::readProgram(bc::writeProgram(p), q, err));
  CHECK(q.needs.triples == 1);
  CHECK(q.needs.rounds == 6);
  CHECK_FALSE(q.needs.exact);
}

TEST_CASE("opFromMnemonic finds every opcode and nothing else") {
  for (unsigned i = 0; i < bc::kNumOps; ++i) {
    auto op = bc::opFromMnemonic(bc::kOpInfo[i].mnemonic);
    REQUIRE(op);
    CHECK(unsigned(*op) == i);
  }
  CHECK_FALSE(bc::opFromMnemonic("frobnicate"));
  CHECK_FALSE(bc::opFromMnemonic(""));
}

TEST_CASE("disassembly names mnemonics, registers, tables and source positions") {
  std::string d = bc::disassemble(testing::statsProgram(4));
  CHECK(d.find("ltz.s") != std::string::npos);
  CHECK(d.find(".input a: sfix[4] from party 0") != std::string::npos);
  CHECK(d.find(".output below: sint to party 0") != std::string::npos);
  CHECK(d.find("; test.smpc:12:5") != std::string::npos);
  CHECK(d.find(".sregs 4 4 8 1") != std::string::npos);
}

TEST_CASE("a disassembly assembles back into the same program") {
  bc::Program withNeeds = testing::loopProgram(3);
  withNeeds.needs = bc::PreprocNeeds{1, 2, 3, 4, 5, 6, false};
  withNeeds.files.push_back("other dir/lib.smpc");
  withNeeds.srcmap[2] = {1, 40, 2};
  bc::Program noMap = testing::matmulProgram();
  noMap.srcmap.clear();
  noMap.outputs[0].recipients = {0, 1};
  for (const bc::Program &p : {testing::statsProgram(4), withNeeds, noMap}) {
    std::string text = bc::disassemble(p);
    bc::Program q;
    std::string err;
    REQUIRE_MESSAGE(bc::assemble(text, q, err), err << "\n" << text);
    checkSame(p, q);
    CHECK(q.needs.exact == p.needs.exact);
    CHECK(q.needs.eqz == p.needs.eqz);
    CHECK(bc::writeProgram(q) == bc::writeProgram(p));
  }
}

TEST_CASE("hand-written assembly, and every assembler error") {
  bc::Program p;
  std::string err;
  REQUIRE_MESSAGE(bc::assemble(R"(; add two public constants
.const 40
.const 2
.pregs 1 1 1
.output r: int to all
ldc p0, c0
ldc p1, c1
add.p p2, p0, p1
output.p p2, out0
)",
                               p, err),
                  err);
  CHECK(p.code.size() == 4);
  CHECK(p.srcmap.empty());
  struct {
    const char *text, *error;
  } cases[] = {
      {".bogus 1", "line 1: unknown directive '.bogus'"},
      {"\nfrob p0", "line 2: unknown instruction 'frob'"},
      {".pregs 1\nneg.p p0", "line 2: neg.p takes 2 operands, got 1"},
      {".pregs 1\nneg.p s0, p0",
       "line 2: operand 1 of neg.p must be a public register (pN), got 's0'"},
      {"jmp 3", "line 1: operand 1 of jmp must be a jump target (@N), got '3'"},
      {".sregs 1\nshl.p p0, p0, x", "line 2: expected an integer for an immediate, got 'x'"},
      {".sregs -1", "line 1: register length -1 is out of range"},
      {".fracbits", "line 1: .fracbits takes one value"},
      {".input a sint from party 0", "line 1: .input needs NAME: TYPE"},
      {".input a: sreal from party 0", "line 1: unknown element type 'sreal'"},
      {".input a: sint to all", "line 1: .input needs 'from party N'"},
      {".output a: sint from party 0", "line 1: .output needs 'to all' or 'to party N, ...'"},
      {".needs 1 2 3", "line 1: .needs takes 6 counts and exact|per-iteration"},
      {".needs 1 2 3 4 5 6 maybe", "line 1: .needs ends with exact or per-iteration"},
      {".file", "line 1: .file needs a name"},
      {"3: jmp @0", "line 1: label 3: is not the instruction's index 0"},
      {".pregs 1\nneg.p p0, p1",
       "invalid program: instruction 0 (neg.p): operand 2 names public register 1 but there are 1"},
  };
  for (const auto &c : cases) {
    INFO(c.text);
    CHECK_FALSE(bc::assemble(c.text, p, err));
    CHECK(err == c.error);
  }
}

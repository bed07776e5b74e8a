//===- test_roundtrip.cpp - write/read/disassemble of valid programs ------===//
#include "tests/bytecode/samples.h"
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
  CHECK(d.find("in0: a: sfix[4] from party 0") != std::string::npos);
  CHECK(d.find("out1: below: sint to party 0") != std::string::npos);
  CHECK(d.find("; test.smpc:12:5") != std::string::npos);
  CHECK(d.find("s2 length 8") != std::string::npos);
}

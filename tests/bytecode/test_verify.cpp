//===- test_verify.cpp - every verifier and decoder error, with its message ===//
#include "tests/bytecode/samples.h"
#include "vm/bytecode/limits.h"
#include "vm/bytecode/serialize.h"

#include <doctest/doctest.h>
#include <functional>

using namespace smpc;
using bc::Op;
using testing::ElemType;

namespace {

// A small program with one instance of most operand kinds: s0..s2 len 4,
// s3 len 1, p0 len 4, p1 len 1, const c0 (4 values), input in0 (4), output out0 (4).
bc::ProgramBuilder base() {
  bc::ProgramBuilder b;
  b.input("x", ElemType::Int, 0, 4, 1, 1);
  b.output("y", ElemType::Int, 4, 1, {}, true, 1);
  b.sreg(4), b.sreg(4), b.sreg(4), b.sreg(1);
  b.preg(4), b.preg(1);
  b.constant({1, 2, 3, 4});
  return b;
}

struct Case {
  const char *expect;
  std::function<void(bc::ProgramBuilder &)> mutate;
  bool encodable = true; // false: the file format cannot even express the fault
};

void expectError(const Case &c) {
  bc::ProgramBuilder b = base();
  c.mutate(b);
  std::string err = bc::verifyProgram(b.prog);
  INFO("expected: " << std::string(c.expect) << "\n     got: " << err);
  CHECK(err.find(c.expect) != std::string::npos);
  // The reader gives the same verdict for the encoded program.
  if (!c.encodable) return;
  bc::Program q;
  std::string rerr;
  CHECK_FALSE(bc::readProgram(bc::writeProgram(b.prog), q, rerr));
  CHECK(rerr.find(c.expect) != std::string::npos);
}

} // namespace

TEST_CASE("the base program is valid") {
  CHECK(bc::verifyProgram(base().prog) == "");
}

TEST_CASE("header errors") {
  for (const Case &c : std::vector<Case>{
           {"ring of 32 bits is not supported", [](auto &b) { b.prog.ringBits = 32; }},
           {"fraction bits must be below 63, got 63", [](auto &b) { b.prog.fracBits = 63; }},
           {"party count 0 is outside 1..1024", [](auto &b) { b.prog.minParties = 0; }},
           {"register s1 has length 0", [](auto &b) { b.prog.sregLen[1] = 0; }},
           {"register p0 is longer than 268435456",
            [](auto &b) { b.prog.pregLen[0] = (1u << 28) + 1; }, false},
           {"registers need 402653194 elements",
            [](auto &b) { b.prog.sregLen[0] = b.prog.sregLen[1] = 3u << 26; }},
           {"constant 1 is empty", [](auto &b) { b.prog.consts.push_back({}); }},
       })
    expectError(c);
}

TEST_CASE("input and output table errors") {
  for (const Case &c : std::vector<Case>{
           {"input 0 has a name of length 0", [](auto &b) { b.prog.inputs[0].name = ""; }},
           {"output 0 has a name with a character other than",
            [](auto &b) { b.prog.outputs[0].name = "a b"; }},
           {"input 'x' is declared twice",
            [](auto &b) { b.prog.inputs.push_back(b.prog.inputs[0]); }},
           {"input 'x' has an unknown element type",
            [](auto &b) { b.prog.inputs[0].elem = static_cast<bc::ElemType>(7); }, false},
           {"output 'y' has 3 dimensions", [](auto &b) { b.prog.outputs[0].ndims = 3; }},
           {"input 'x' has an empty dimension", [](auto &b) { b.prog.inputs[0].rows = 0; }},
           {"input 'x' has a shape that does not match its dimension count",
            [](auto &b) { b.prog.inputs[0].cols = 2; }},
           {"input 'x' has more than 268435456 elements",
            [](auto &b) {
              b.prog.inputs[0].ndims = 2, b.prog.inputs[0].rows = 1u << 20,
              b.prog.inputs[0].cols = 1u << 9;
            }},
           {"input 'x' is owned by party 3 but the program has 1 parties",
            [](auto &b) { b.prog.inputs[0].party = 3; }},
           {"input 'x' lists recipients", [](auto &b) { b.prog.inputs[0].recipients = {0}; }},
           {"output 'y' goes to party 1 but the program has 1 parties",
            [](auto &b) { b.prog.outputs[0].recipients = {1}; }},
       })
    expectError(c);
}

TEST_CASE("operand errors") {
  for (const Case &c : std::vector<Case>{
           {"instruction 0 (add.ss): operand 3 names secret register 4 but there are 4",
            [](auto &b) {
              b.emit(Op::AddSS, {0, 1, 4});
            }},
           {"operand 1 names public register -1",
            [](auto &b) {
              b.emit(Op::AddP, {-1, 0, 0});
            },
            false},
           {"jump target 5 is outside the program", [](auto &b) { b.emit(Op::Jmp, {5}); }},
           {"jump target -1 is outside the program",
            [](auto &b) {
              b.emit(Op::Jz, {1, -1});
            },
            false},
           {"input index 1 is not in the input table",
            [](auto &b) {
              b.emit(Op::Input, {0, 1});
            }},
           {"output index 2 is not in the output table",
            [](auto &b) {
              b.emit(Op::OutputS, {0, 2});
            }},
           {"constant index 9 is not in the constant pool",
            [](auto &b) {
              b.emit(Op::LdConst, {0, 9});
            }},
           {"unused operand 3 is not 0",
            [](auto &b) {
              b.emit(Op::NegS, {0, 1});
              b.prog.code.back().a[2] = 5;
            },
            false},
       })
    expectError(c);
}

TEST_CASE("length errors") {
  for (const Case &c : std::vector<Case>{
           {"group size 0 is not a positive instruction count",
            [](auto &b) { b.emit(Op::Round, {0}); }},
           {"register length 1 differs from constant length 4",
            [](auto &b) {
              b.emit(Op::LdConst, {1, 0});
            }},
           {"operand 2 has length 4 but the result has length 1 (must be equal or 1)",
            [](auto &b) {
              b.emit(Op::AddSS, {3, 0, 3});
            }},
           {"shift 64 is outside 0..63",
            [](auto &b) {
              b.emit(Op::TruncS, {0, 1, 64});
            }},
           {"shift -1 is outside 0..63",
            [](auto &b) {
              b.emit(Op::ShlP, {0, 0, -1});
            }},
           {"column count 3 does not divide length 4",
            [](auto &b) {
              b.emit(Op::SliceS, {0, 1, 0, 3, 3, 1});
            }},
           {"column count 0 does not divide length 4",
            [](auto &b) {
              b.emit(Op::StoreS, {0, 1, 0, 0, 1, 1});
            }},
           {"slice touches elements 1..4 of a register of length 4",
            [](auto &b) {
              b.emit(Op::SliceS, {0, 1, 1, 1, 1, 0});
            }},
           {"slice touches elements -1..2 of a register of length 4",
            [](auto &b) {
              b.emit(Op::SliceP, {0, 0, -1, 1, 1, 0});
            }},
           {"slice touches elements 0..a huge number",
            [](auto &b) {
              b.emit(Op::SliceS, {0, 1, 0, 2, INT64_MAX, 1});
            }},
           {"store touches elements 3..6 of a register of length 4",
            [](auto &b) {
              b.emit(Op::StoreS, {0, 1, 3, 4, 0, 1});
            }},
           {"offset register has length 4, not 1",
            [](auto &b) {
              b.emit(Op::SliceDynS, {3, 0, 0, 1, 1, 0});
            }},
           {"sliced pattern spans 6 elements but the register has 4",
            [](auto &b) {
              b.emit(Op::SliceDynS, {0, 1, 1, 2, 4, 1});
            }},
           {"stored pattern spans 7 elements but the register has 4",
            [](auto &b) {
              b.emit(Op::StoreDynS, {0, 1, 1, 1, 2, 0});
            }},
           {"source length 4 is not a multiple of result length 3",
            [](auto &b) {
              b.prog.sregLen[3] = 3;
              b.emit(Op::SumS, {3, 0});
            }},
           {"matrix dimension 0 is out of range",
            [](auto &b) {
              b.emit(Op::MatMulSS, {0, 1, 2, 0, 2, 2});
            }},
           {"matrix shapes 2x2 @ 2x1 do not match register lengths 4, 4 -> 4",
            [](auto &b) {
              b.emit(Op::MatMulSP, {0, 1, 0, 2, 2, 1});
            }},
           {"register length 1 differs from input 'x' of 4 elements",
            [](auto &b) {
              b.emit(Op::Input, {3, 0});
            }},
           {"register length 1 differs from output 'y' of 4 elements",
            [](auto &b) {
              b.emit(Op::OutputP, {1, 0});
            }},
           {"condition register has length 4, not 1",
            [](auto &b) {
              b.emit(Op::Jnz, {0, 0});
            }},
           // s0..s2 have length 4, s3 and p1 length 1, p0 length 4.
           {"operand 2 has length 1 but the result has length 4 (must be equal)",
            [](auto &b) {
              b.emit(Op::ShuffleS, {0, 3, 1});
            }},
           {"row length 3 does not divide length 4",
            [](auto &b) {
              b.emit(Op::CumSumS, {0, 1, 3});
            }},
           {"row length 0 does not divide length 4",
            [](auto &b) {
              b.emit(Op::ShuffleS, {0, 1, 0});
            }},
           {"row length 3 does not divide length 4",
            [](auto &b) {
              b.emit(Op::GatherS, {0, 1, 0, 3});
            }},
           {"index register has length 4 but 2 rows are gathered",
            [](auto &b) {
              b.emit(Op::GatherS, {0, 1, 0, 2});
            }},
           {"index register has length 1 but 4 rows are scattered",
            [](auto &b) {
              b.emit(Op::ScatterP, {0, 0, 1, 1});
            }},
           {"a scatter's result has length 1 but its source has length 4 (must be equal: it "
            "permutes rows)",
            [](auto &b) {
              b.emit(Op::ScatterS, {3, 0, 0, 1});
            }},
           {"shift 64 is outside 0..63",
            [](auto &b) {
              b.emit(Op::BitS, {0, 1, 64});
            }},
       })
    expectError(c);
}

TEST_CASE("round group errors") {
  for (const Case &c : std::vector<Case>{
           {"group of 2 runs past the end of the program",
            [](auto &b) {
              b.emit(Op::Round, {2});
              b.emit(Op::MulSS, {0, 1, 2});
            }},
           {"instruction 2 in the group is not interactive",
            [](auto &b) {
              b.emit(Op::Round, {2});
              b.emit(Op::MulSS, {0, 1, 2});
              b.emit(Op::AddSS, {0, 1, 2});
            }},
           {"instruction 2 reads a register written earlier in the same group",
            [](auto &b) {
              b.emit(Op::Round, {2});
              b.emit(Op::MulSS, {0, 1, 2});
              b.emit(Op::LtzS, {1, 0});
            }},
           {"instruction 2 writes a register written earlier in the same group",
            [](auto &b) {
              b.emit(Op::Round, {2});
              b.emit(Op::MulSS, {0, 1, 2});
              b.emit(Op::EqzS, {0, 1});
            }},
           {"instruction 2 writes a register read earlier in the same group",
            [](auto &b) {
              b.emit(Op::Round, {2});
              b.emit(Op::MulSS, {0, 1, 2});
              b.emit(Op::Input, {2, 0});
            }},
           {"jumps into the middle of a round group at instruction 2",
            [](auto &b) {
              b.emit(Op::Round, {2});
              b.emit(Op::MulSS, {0, 1, 2});
              b.emit(Op::Open, {0, 2});
              b.emit(Op::Jmp, {2});
            }},
       })
    expectError(c);
}

TEST_CASE("source map errors") {
  for (const Case &c : std::vector<Case>{
           {"source map has 2 entries for 1 instructions",
            [](auto &b) {
              b.emit(Op::NegS, {0, 1});
              b.prog.srcmap.push_back({});
            }},
           {"source map entry 0 names file 3 but there are 1",
            [](auto &b) {
              b.emit(Op::NegS, {0, 1});
              b.prog.srcmap[0] = {3, 1, 1};
            }},
       })
    expectError(c);
}

TEST_CASE("a round group that is valid verifies") {
  bc::ProgramBuilder b = base();
  b.emit(Op::Round, {3});
  b.emit(Op::MulSS, {0, 1, 2});
  b.emit(Op::Open, {0, 1});
  b.emit(Op::OutputS, {2, 0});
  b.emit(Op::Jmp, {1}); // jumping to the group's first instruction is not inside it
  b.prog.code.back().a[0] = 0;
  CHECK(bc::verifyProgram(b.prog) == "");
}

// ---- decoder errors (bytes that never make a Program) ----------------------

namespace {
std::string readErr(std::vector<uint8_t> bytes) {
  bc::Program p;
  std::string err;
  CHECK_FALSE(bc::readProgram(bytes, p, err));
  return err;
}
void putU32(std::vector<uint8_t> &b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    b[at + i] = uint8_t(v >> (8 * i));
}
} // namespace

TEST_CASE("decoder errors") {
  auto good = bc::writeProgram(testing::loopProgram(3));
  CHECK(readErr({}).find("file truncated while reading magic") != std::string::npos);
  auto bad = good;
  bad[0] ^= 1;
  CHECK(readErr(bad).find("not an smpc bytecode file (bad magic number)") != std::string::npos);
  bad = good;
  bad[4] = 9;
  CHECK(readErr(bad).find("bytecode version 9 is not supported (expected 2); recompile") !=
        std::string::npos);
  // Header: magic 4, version 2, ring 1, frac 1, parties 4 -> secret register count at 12.
  bad = good;
  putU32(bad, 12, 0xffffffffu);
  CHECK(readErr(bad).find("register count is 4294967295, above the limit of 4194304") !=
        std::string::npos);
  bad = good;
  putU32(bad, 12, 1000000);
  CHECK(readErr(bad).find("register count is 1000000 but the file ends too soon") !=
        std::string::npos);
  bad = good;
  putU32(bad, 16, (1u << 28) + 1); // length of s0
  CHECK(readErr(bad).find("register length 268435457 is above the limit") != std::string::npos);
  bad = good;
  bad.push_back(0);
  CHECK(readErr(bad).find("1 unexpected bytes after the end of the program") != std::string::npos);
  bad = good;
  bad.resize(bad.size() - 3);
  CHECK(readErr(bad).find("but the file ends too soon") != std::string::npos);
}

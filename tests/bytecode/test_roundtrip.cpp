//===- test_roundtrip.cpp - write/read/disassemble of valid programs ------===//
#include "tests/bytecode/samples.h"
#include "vm/bytecode/assemble.h"
#include "vm/bytecode/serialize.h"

#include <algorithm>
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

namespace {
// Needs with a distinct count for every kind of material.def, so that a
// kind a consumer forgets, or two it swaps, shows.
bc::PreprocNeeds everyKind(bc::NeedsPrecision prec) {
  bc::PreprocNeeds n;
  for (bc::Material k : bc::kAllMaterials)
    n.material[k] = 1000 + 7 * bc::materialIndex(k);
  n.rounds = 6;
  n.precision = prec;
  return n;
}
constexpr bc::NeedsPrecision kPrecisions[] = {
    bc::NeedsPrecision::Exact, bc::NeedsPrecision::UpperBound, bc::NeedsPrecision::PerIteration};
} // namespace

TEST_CASE("needs of every material kind and every precision round-trip") {
  for (bc::NeedsPrecision prec : kPrecisions) {
    INFO(bc::precisionName(prec));
    bc::Program p = testing::loopProgram(3);
    p.needs = everyKind(prec);
    bc::Program q;
    std::string err;
    REQUIRE(bc::readProgram(bc::writeProgram(p), q, err));
    CHECK(q.needs.material == p.needs.material);
    CHECK(q.needs.rounds == 6);
    CHECK(q.needs.precision == prec);
    // Through the disassembler and back.
    const std::string text = bc::disassemble(p);
    for (bc::Material k : bc::kAllMaterials) {
      std::string pair(bc::info(k).name); // appended, not `" " + ...`: GCC 12's -Wrestrict
      pair += "=";
      pair += std::to_string(p.needs.material[k]);
      CHECK(text.find(" " + pair) != std::string::npos);
    }
    bc::Program r;
    REQUIRE_MESSAGE(bc::assemble(text, r, err), err);
    CHECK(r.needs.material == p.needs.material);
    CHECK(r.needs.precision == prec);
  }
}

TEST_CASE("material.def: names are unique and found again; pooled kinds have a record size") {
  for (bc::Material k : bc::kAllMaterials) {
    CHECK(!bc::info(k).name.empty());
    CHECK(bc::materialFromName(bc::info(k).name) == k);
    CHECK(bc::isPooled(k) == (bc::info(k).poolCapacity > 0));
  }
  CHECK_FALSE(bc::materialFromName("rounds"));
  CHECK(bc::materialNames().find("triples, matrix") == 0);
}

TEST_CASE("a program counting another number of material kinds is refused") {
  bc::Program p = testing::loopProgram(3);
  p.needs = everyKind(bc::NeedsPrecision::Exact);
  std::vector<uint8_t> bytes = bc::writeProgram(p);
  // The count byte precedes the first kind's count (1000, little-endian).
  const uint8_t first[8] = {0xe8, 0x03, 0, 0, 0, 0, 0, 0};
  auto it = std::search(bytes.begin(), bytes.end(), std::begin(first), std::end(first));
  REQUIRE(it != bytes.end());
  REQUIRE(*(it - 1) == bc::kNumMaterials);
  *(it - 1) = uint8_t(bc::kNumMaterials + 1);
  bc::Program q;
  std::string err;
  CHECK_FALSE(bc::readProgram(bytes, q, err));
  std::string want = "the program counts ";
  want += std::to_string(bc::kNumMaterials + 1);
  want += " kinds of preprocessing material, this VM knows ";
  want += std::to_string(bc::kNumMaterials);
  want += "; recompile the program";
  CHECK(err.find(want) != std::string::npos);
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
  withNeeds.needs = everyKind(bc::NeedsPrecision::PerIteration);
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
    CHECK(q.needs.precision == p.needs.precision);
    CHECK(q.needs.material == p.needs.material);
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
      {".needs", "line 1: .needs takes NAME=COUNT pairs and exact|upper-bound|per-iteration"},
      {".needs triples=1 maybe", "line 1: .needs ends with exact, upper-bound or per-iteration"},
      {".needs triples 1 exact", "line 1: .needs takes NAME=COUNT pairs, got 'triples'"},
      {".needs triples=1 triples=2 exact", "line 1: .needs names 'triples' twice"},
      {".needs triples=-1 exact", "line 1: .needs counts must not be negative"},
      {".needs quads=1 exact",
       "line 1: unknown preprocessing material 'quads' in .needs (known: triples, matrix, bool, "
       "dabits, edabits, trunc, shuffle, rounds)"},
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

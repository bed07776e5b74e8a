//===- test_cli.cpp - runs the `smpc` binary on generated programs --------===//
//
// Each case writes .smpcb/.smpc and data files to a temporary folder, runs
// the real executable and checks stdout, stderr and the exit code.
//===----------------------------------------------------------------------===//
#include "tests/bytecode/samples.h"
#include "tests/cli/cli_helpers.h"

#include <doctest/doctest.h>

using namespace smpc;
using namespace smpc::clitest;

// The instruction table of docs/bytecode.md: from its header row to the
// first line that is not a table row.
std::string docsOpcodeTable() {
  std::istringstream in(slurp(fs::path(SMPC_DOCS_DIR) / "bytecode.md"));
  std::string line, table;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.rfind("| # | mnemonic |", 0) == 0) inside = true;
    if (inside && line.rfind("|", 0) != 0) break;
    if (inside) table += line + "\n";
  }
  return table;
}

TEST_CASE("docs/bytecode.md shows exactly what `smpc opcodes` prints") {
  Result r = runSmpc("opcodes");
  REQUIRE(r.code == 0);
  CHECK_MESSAGE(docsOpcodeTable() == r.out,
                "regenerate the table in docs/bytecode.md with `smpc opcodes`");
}

TEST_CASE("version, opcodes, help") {
  Result r = runSmpc("version");
  CHECK(r.code == 0);
  CHECK(r.out.find("(bytecode version 2)") != std::string::npos);
  r = runSmpc("opcodes");
  CHECK(r.code == 0);
  CHECK(r.out.find("| `mul.ss` | `Sss` | elementwise | interactive | commutative | 1 |") !=
        std::string::npos);
  r = runSmpc("--help");
  CHECK(r.code == 0);
  CHECK(r.out.find("run ") != std::string::npos);
  r = runSmpc("");
  CHECK(r.code == 2);
  r = runSmpc("frobnicate");
  CHECK(r.code == 2);
  CHECK(r.err == "smpc: error: unknown command 'frobnicate'; `smpc --help` lists the commands\n");
}

TEST_CASE("run a .smpcb on the clear protocol, text and JSON outputs") {
  std::string prog = writeProg("stats.smpcb", testing::statsProgram(2));
  std::string a = write("a.csv", "1\n2\n"), b = write("b.json", "[3, 4]");
  std::string json = (dir() / "out.json").string();
  Result r = runSmpc("run " + prog + " --input a=" + a + " --input b=" + b + " --output-json " +
                     json + " --stats");
  CHECK(r.code == 0);
  CHECK(r.out == "mean = 2.5\nbelow = 2\n");
  CHECK(r.err.find("stats: rounds 11,") != std::string::npos);
  CHECK(slurp(json) == "{\n  \"below\": 2,\n  \"mean\": 2.5\n}\n");
}

TEST_CASE("data errors stop the run before anything executes") {
  std::string prog = writeProg("stats.smpcb", testing::statsProgram(2));
  std::string a = write("a.csv", "1\n2\n");
  Result r = runSmpc("run " + prog + " --input a=" + a);
  CHECK(r.code == 1);
  CHECK(r.err == "smpc: error: input 'b' (party 1) has no data: pass --input b=FILE\n");
  CHECK(r.out.empty());
  std::string b3 = write("b3.csv", "1\n2\n3\n");
  r = runSmpc("run " + prog + " --input a=" + a + " --input b=" + b3);
  CHECK(r.code == 1);
  CHECK(r.err == "smpc: error: " + b3 +
                     ":3: input 'b': expected a vector of 2 values but the file has more (this "
                     "line holds the 3rd)\n");
  std::string bx = write("bx.csv", "1\nseven\n");
  r = runSmpc("run " + prog + " --input a=" + a + " --input b=" + bx);
  CHECK(r.code == 1);
  CHECK(r.err == "smpc: error: " + bx + ":2: input 'b': field 1 is not a number\n");
  std::string big = write("big.csv", "1\n1e300\n");
  r = runSmpc("run " + prog + " --input a=" + a + " --input b=" + big);
  CHECK(r.err ==
        "smpc: error: " + big +
            ":2: input 'b': field 1 is out of the fixed-point range (magnitude below 2^47)\n");
  r = runSmpc("run " + prog + " --input a=" + a + " --input b=" + a + " --input zz=" + a);
  CHECK(r.code == 1);
  CHECK(r.err.find("input 'zz' given with --input is not an input of the program (inputs: a, b)") !=
        std::string::npos);
}

TEST_CASE("run-time errors print the source position") {
  bc::ProgramBuilder pb;
  auto x = pb.pconst({7}), z = pb.pconst({0}), q = pb.preg();
  pb.emit(bc::Op::DivP, {q, x, z}, 12, 5);
  pb.prog.files = {"prog.smpc"};
  Result r = runSmpc("run " + writeProg("div.smpcb", pb.prog));
  CHECK(r.code == 1);
  CHECK(r.err == "smpc: error: prog.smpc:12:5: division by zero (instruction 2)\n");
  bc::ProgramBuilder loop;
  loop.emit(bc::Op::Jmp, {0}, 3, 1);
  r = runSmpc("run " + writeProg("loop.smpcb", loop.prog) + " --max-steps 500");
  CHECK(r.code == 1);
  CHECK(r.err ==
        "smpc: error: test.smpc:3:1: step limit of 500 instructions exceeded (instruction 0)\n");
}

TEST_CASE("malformed bytecode and bad arguments") {
  std::string bad = write("bad.smpcb", "SMPXxxxx");
  Result r = runSmpc("run " + bad);
  CHECK(r.code == 1);
  CHECK(r.err ==
        "smpc: error: " + bad +
            ": malformed bytecode at byte 0: not an smpc bytecode file (bad magic number)\n");
  r = runSmpc("run " + (dir() / "missing.smpcb").string());
  CHECK(r.code == 1);
  CHECK(r.err == "smpc: error: cannot read '" + (dir() / "missing.smpcb").string() +
                     "': it does not exist\n");
  r = runSmpc("run /dev/zero");
  CHECK(r.code == 1);
  CHECK(r.err == "smpc: error: cannot read '/dev/zero': it is not a regular file\n");
  r = runSmpc("run");
  CHECK(r.code == 2);
  std::string prog = writeProg("m.smpcb", testing::matmulProgram());
  r = runSmpc("run " + prog + " --bogus");
  CHECK(r.code == 2);
  CHECK(r.err == "smpc: error: unknown option '--bogus' for `smpc run` (see smpc run --help)\n");
  r = runSmpc("run " + prog + " --protocol spdz");
  CHECK(r.code == 2);
  CHECK(r.err == "smpc: error: --protocol takes clear, semi2k, rep3 or shamir, got 'spdz'\n");
  r = runSmpc("run " + prog + " --input noequals");
  CHECK(r.code == 2);
  CHECK(r.err == "smpc: error: --input takes NAME=FILE, got 'noequals'\n");
  r = runSmpc("run " + prog + " -D n=abc");
  CHECK(r.code == 2);
  CHECK(r.err == "smpc: error: -D takes NAME=INTEGER, got 'n=abc'\n");
  r = runSmpc("run " + prog + " --parties 1");
  CHECK(r.code == 2);
  CHECK(r.err == "smpc: error: the program needs at least 2 parties, --parties is 1\n");
}

TEST_CASE("every argument error of run, disasm and version") {
  std::string prog = writeProg("m2.smpcb", testing::matmulProgram());
  std::string A = write("A2.csv", "1,2,3\n4,5,6\n");
  struct {
    std::string args, err;
  } cases[] = {
      {"run " + prog + " -D", "-D needs a value"},
      {"run " + prog + " --parties 0", "--parties takes an integer from 1 to 1024, got '0'"},
      {"run " + prog + " --parties x", "--parties takes an integer from 1 to 1024, got 'x'"},
      {"run " + prog + " --max-steps -1", "--max-steps takes a non-negative integer, got '-1'"},
      {"run " + prog + " --preprocessing magic", "--preprocessing takes dealer or ot, got 'magic'"},
      {"run " + prog + " --protocol rep3 --parties 4",
       "rep3 runs with exactly 3 parties, --parties is 4"},
      {"run " + prog + " --protocol shamir --parties 2",
       "shamir runs with 3 to 255 parties, --parties is 2"},
      {"run " + prog + " --protocol rep3 --preprocessing ot",
       "--preprocessing applies to semi2k only; rep3 needs no preprocessing, leave the option out"},
      {"run " + prog + " --input A=" + A + " --input A=" + A, "input 'A' is given twice"},
      {"run " + prog + " " + prog,
       "`smpc run` takes one program, got '" + prog + "' and '" + prog + "'"},
      {"run " + prog + " --output-json", "--output-json needs a value"},
      {"disasm", "`smpc disasm` needs a program: smpc disasm PROG.smpcb|PROG.smpc [options]"},
      {"disasm " + prog + " " + prog,
       "`smpc disasm` takes one program, got '" + prog + "' and '" + prog + "'"},
      {"disasm " + prog + " --bogus",
       "unknown option '--bogus' for `smpc disasm` (see smpc disasm --help)"},
      {"version extra", "`smpc version` takes no arguments, got 'extra'"},
      {"opcodes extra", "`smpc opcodes` takes no arguments, got 'extra'"},
  };
  for (const auto &c : cases) {
    Result r = runSmpc(c.args);
    INFO(c.args);
    CHECK(r.code == 2);
    CHECK(r.err == "smpc: error: " + c.err + "\n");
  }
}

TEST_CASE("output and input file problems") {
  std::string prog = writeProg("m3.smpcb", testing::matmulProgram());
  std::string A = write("A3.csv", "1,2,3\n4,5,6\n"), B = write("B3.csv", "1,2\n3,4\n5,6\n");
  Result r = runSmpc("run " + prog + " --input A=" + A + " --input B=" + B +
                     " --output-json /nonexistent/dir/out.json");
  CHECK(r.code == 1);
  CHECK(r.err == "smpc: error: cannot write '/nonexistent/dir/out.json'\n");
  r = runSmpc("run " + prog + " --input A=" + dir().string() + " --input B=" + B);
  CHECK(r.code == 1);
  CHECK(r.err ==
        "smpc: error: " + dir().string() + ": input 'A': is a directory, not a data file\n");
}

TEST_CASE("matrix inputs and disassembly") {
  std::string prog = writeProg("mm.smpcb", testing::matmulProgram());
  std::string A = write("A.csv", "1,2,3\n4,5,6\n"), B = write("B.json", "[[7,8],[9,10],[11,12]]");
  Result r = runSmpc("run " + prog + " --input A=" + A + " --input B=" + B);
  CHECK(r.code == 0);
  CHECK(r.out == "C = [[58, 64], [139, 154]]\n");
  r = runSmpc("disasm " + prog);
  CHECK(r.code == 0);
  CHECK(r.out.find("matmul.ss  s2, s0, s1, 2, 3, 2") != std::string::npos);
  // The listing assembles back into a program that gives the same result.
  std::string listing = write("mm.s", r.out);
  std::string again = (dir() / "again.smpcb").string();
  r = runSmpc("asm " + listing + " -o " + again);
  CHECK(r.code == 0);
  CHECK(r.err == "");
  r = runSmpc("run " + again + " --input A=" + A + " --input B=" + B);
  CHECK(r.out == "C = [[58, 64], [139, 154]]\n");
  std::string broken = write("broken.s", ".sregs 1\nneg.s s0, s1\n");
  r = runSmpc("asm " + broken);
  CHECK(r.code == 1);
  CHECK(r.err == "smpc: error: " + broken +
                     ": invalid program: instruction 0 (neg.s): operand 2 names secret register 1 "
                     "but there are 1\n");
  r = runSmpc("asm");
  CHECK(r.code == 2);
  CHECK(r.err == "smpc: error: `smpc asm` needs a source: smpc asm PROG.s [-o PROG.smpcb]\n");
}

TEST_CASE("run a .smpc source: parameters inferred from the input files") {
  std::string src = write("mean.smpc", R"(param n: int;
input a: sfix[n] from party 0;
input b: sint from party 1;
fn main() {
  output total = sum(a) to all;
  output twice = b * 2 to all;
}
)");
  std::string a = write("a4.csv", "1.5\n2\n3\n4\n"), b = write("b1.csv", "21\n");
  Result r = runSmpc("run " + src + " --input a=" + a + " --input b=" + b);
  CHECK(r.err == "");
  CHECK(r.code == 0);
  CHECK(r.out == "total = 10.5\ntwice = 42\n");
  // -D overrides the inferred size, then the data no longer fits.
  r = runSmpc("run " + src + " --input a=" + a + " --input b=" + b + " -D n=3");
  CHECK(r.code == 1);
  CHECK(r.err == "smpc: error: " + a +
                     ":4: input 'a': expected a vector of 3 values but the file has more (this "
                     "line holds the 4th)\n");
  std::string two = write("two.smpc", R"(param n: int;
input a: sint[n] from party 0;
input c: sint[n] from party 1;
fn main() { output s = sum(a) + sum(c) to all; }
)");
  std::string c = write("c3.csv", "1\n2\n3\n");
  std::string a4 = write("i4.csv", "1\n2\n3\n4\n");
  r = runSmpc("run " + two + " --input a=" + a4 + " --input c=" + c);
  CHECK(r.code == 1);
  CHECK(r.err.find("parameter 'n' is 4 from input 'a'") != std::string::npos);
  CHECK(r.err.find("but 3 from input 'c'") != std::string::npos);
  std::string bad = write("bad.smpc", "fn main() { let x = ; }\n");
  r = runSmpc("run " + bad);
  CHECK(r.code == 1);
  CHECK(r.err.find("bad.smpc:1:") != std::string::npos);
}

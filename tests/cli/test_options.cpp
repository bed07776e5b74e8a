//===- test_options.cpp - the option tables of smpc and smpcc -------------===//
//
// Every usage error the option framework (runtime/cli/options.h) produces,
// --help generated from the tables, and the options shared between commands.
//===----------------------------------------------------------------------===//
#include "tests/bytecode/samples.h"
#include "tests/cli/cli_helpers.h"

#include <doctest/doctest.h>

using namespace smpc;
using namespace smpc::clitest;

TEST_CASE("--help is generated from each command's table") {
  Result r = runSmpc("run --help");
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.rfind("usage: smpc run PROG.smpc|PROG.smpcb [options]\n"
                    "run a program (.smpc or .smpcb) on its inputs and print the outputs\n",
                    0) == 0);
  for (const char *opt : {"  --protocol clear|semi2k|rep3|shamir", "  --input NAME=FILE ",
                          "  -D, --define ", "  --frac-bits F ", "  --parties N ", "  -h, --help "})
    CHECK_MESSAGE(r.out.find(opt) != std::string::npos, opt);
  r = runSmpc("party -h");
  CHECK(r.code == 0);
  CHECK(r.out.find("  --config CLUSTER.json ") != std::string::npos);
  CHECK(r.out.find(" the cluster configuration (docs/network.md) (required)\n") !=
        std::string::npos);
  // --help wins over any other problem on the line.
  r = runSmpc("keygen --bogus --help");
  CHECK(r.code == 0);
  CHECK(r.out.rfind("usage: smpc keygen --out PREFIX\n", 0) == 0);
  for (const char *cmd :
       {"run", "disasm", "asm", "opcodes", "version", "healthcheck", "keygen", "party", "dealer"}) {
    r = runSmpc(std::string(cmd) + " --help");
    INFO(cmd);
    CHECK(r.code == 0);
    CHECK(r.out.rfind(std::string("usage: smpc ") + cmd, 0) == 0);
  }
  r = runSmpc("--help");
  CHECK(r.out.find("  dealer    serve preprocessing to the parties of one job\n") !=
        std::string::npos);
}

TEST_CASE("usage errors: unknown, missing, repeated and malformed options") {
  std::string prog = writeProg("opt.smpcb", testing::matmulProgram());
  struct {
    std::string args, err;
  } cases[] = {
      {"run " + prog + " --stats=yes", "--stats takes no value"},
      {"run " + prog + " --protocol clear --protocol semi2k",
       "--protocol is given twice; give it once"},
      {"run " + prog + " --output-json --stats", "--output-json needs a value"},
      {"run " + prog + " --input", "--input needs a value"},
      {"run " + prog + " -O", "-O needs a value"},
      {"run " + prog + " -O3", "-O takes 0 or 2, got 3"},
      {"run " + prog + " --frac-bits 0", "--frac-bits must be between 1 and 30, got '0'"},
      {"run " + prog + " --define", "--define needs a value"},
      {"run " + prog + " -x", "unknown option '-x' for `smpc run` (see smpc run --help)"},
      {"run " + prog + " --prot clear",
       "unknown option '--prot' for `smpc run` (see smpc run --help)"},
      {"keygen", "`smpc keygen` needs --out PREFIX (see smpc keygen --help)"},
      {"keygen --out a --out b", "--out is given twice; give it once"},
      {"dealer", "`smpc dealer` needs --config CLUSTER.json (see smpc dealer --help)"},
      {"party --config c.json --key k --program p --id 64",
       "--id takes an integer from 0 to 63, got '64'"},
      {"asm a.s b.s", "`smpc asm` takes one source, got 'a.s' and 'b.s'"},
  };
  for (const auto &c : cases) {
    Result r = runSmpc(c.args);
    INFO(c.args);
    CHECK(r.code == 2);
    CHECK(r.err == "smpc: error: " + c.err + "\n");
    CHECK(r.out.empty());
  }
  Result r = runSmpc("");
  CHECK(r.code == 2);
  CHECK(r.err.rfind("usage: smpc <command> [options]\n", 0) == 0);
}

TEST_CASE("source-only options are refused for bytecode") {
  std::string prog = writeProg("src_only.smpcb", testing::matmulProgram());
  Result r = runSmpc("run " + prog + " -D n=3");
  CHECK(r.code == 1);
  CHECK(r.err == "smpc: error: -D applies to .smpc sources only; '" + prog +
                     "' is compiled bytecode (recompile the source with smpcc compile instead)\n");
  r = runSmpc("disasm " + prog + " --frac-bits 20");
  CHECK(r.code == 1);
  CHECK(r.err.rfind("smpc: error: --frac-bits applies to .smpc sources only;", 0) == 0);
}

TEST_CASE("smpc run --frac-bits sets the fixed-point precision of source and data") {
  std::string src = write("frac.smpc", R"(input a: sfix from party 0;
fn main() { output third = a / 3.0 to all; }
)");
  std::string a = write("frac_a.csv", "1\n");
  std::string json = (dir() / "frac.json").string();
  Result r = runSmpc("run " + src + " --input a=" + a + " --frac-bits 8 --output-json " + json);
  CHECK(r.err == "");
  CHECK(r.code == 0);
  // 1/3 to 8 fraction bits: 85/256.
  CHECK(slurp(json) == "{\n  \"third\": 0.33203125\n}\n");
  // The data is encoded with the same fraction bits: 2^44 fits below 2^47
  // (f = 16) but not below 2^43 (f = 20).
  std::string big = write("frac_big.csv", "17592186044416\n");
  r = runSmpc("run " + src + " --input a=" + big + " --frac-bits 20");
  CHECK(r.code == 1);
  CHECK(r.err == "smpc: error: " + big +
                     ":1: input 'a': field 1 is out of the fixed-point range (magnitude below "
                     "2^43)\n");
}

TEST_CASE("smpcc check and cost infer parameters from --input like smpc run") {
  std::string src = write("infer.smpc", R"(param n: int;
input a: sint[n] from party 0;
input b: sint[n] from party 2;
fn main() { output s = sum(a * b) to all; }
)");
  std::string a = write("infer_a.csv", "1\n2\n3\n"), b = write("infer_b.csv", "4,5,6\n");
  Result r = runSmpcc("check " + src + " --input a=" + a + " --input b=" + b);
  CHECK(r.err == "");
  CHECK(r.code == 0);
  r = runSmpcc("cost " + src + " --input a=" + a);
  CHECK(r.code == 0);
  CHECK(r.out.rfind("protocol: semi2k\nparties: 3\n", 0) == 0); // the program's minimum
  CHECK(r.out.find("triples: 3\n") != std::string::npos);
  std::string b2 = write("infer_b2.csv", "4\n5\n");
  r = runSmpcc("cost " + src + " --input a=" + a + " --input b=" + b2);
  CHECK(r.code == 1);
  CHECK(r.err == "smpcc: error: parameter 'n' is 3 from input 'a' (" + a +
                     ") but 2 from input 'b' (" + b2 + "); fix the data or set it with -D n=...\n");
  r = runSmpcc("cost " + src + " --input a=" + a + " --input a=" + a);
  CHECK(r.code == 2);
  CHECK(r.err == "smpcc: error: input 'a' is given twice\n");
}

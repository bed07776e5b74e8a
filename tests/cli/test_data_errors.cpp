//===- test_data_errors.cpp - data files as `smpc run` users meet them ----===//
//
// The messages of issue 7 item 9 end to end, parameter inference from data
// (read once), and the out-of-memory message.
//===----------------------------------------------------------------------===//
#include "tests/cli/cli_helpers.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <thread>

using namespace smpc;
using namespace smpc::clitest;

namespace {

const char *kSum = R"(param n: int;
input a: sint[n] from party 0;
fn main() { output s = sum(a) to all; }
)";

} // namespace

TEST_CASE("an empty input that sizes a parameter names the file") {
  std::string src = write("empty_param.smpc", kSum);
  std::string a = write("empty_a.csv", "\n\n");
  Result r = runSmpc("run " + src + " --input a=" + a);
  CHECK(r.code == 1);
  CHECK(r.err == "smpc: error: " + a +
                     ": input 'a': the file has no values, so parameter 'n' cannot take its size; "
                     "add data or set it with -D n=...\n");
  std::string j = write("empty_a.json", "[]");
  r = runSmpc("run " + src + " --input a=" + j);
  CHECK(r.err.find(j + ": input 'a': the file has no values") != std::string::npos);
}

TEST_CASE("CSV from spreadsheets: a byte-order mark is skipped, signs and separators are checked") {
  std::string src = write("sum.smpc", kSum);
  std::string bom = write("bom_a.csv", "\xEF\xBB\xBF"
                                       "1\n2\n3\n");
  Result r = runSmpc("run " + src + " --input a=" + bom);
  CHECK(r.err == "");
  CHECK(r.out == "s = 6\n");
  std::string sign = write("sign_a.csv", "1\n+-5\n");
  r = runSmpc("run " + src + " --input a=" + sign);
  CHECK(r.code == 1);
  CHECK(r.err == "smpc: error: " + sign + ":2: input 'a': field 1 is not an integer\n");
  std::string thousands = write("thousands_a.csv", "1,000\n");
  r = runSmpc("run " + src + " --input a=" + thousands);
  CHECK(r.code == 1);
  CHECK(r.err == "smpc: error: " + thousands +
                     ":1: input 'a': field 2 starts with a zero followed by digits; write numbers "
                     "without leading zeros or thousands separators (1000, not 1,000)\n");
}

TEST_CASE("1e-400 is 0 in CSV and in JSON") {
  std::string src = write("tiny.smpc", R"(input a: sfix from party 0;
fn main() { output x = a + 1.0 to all; }
)");
  std::string c = write("tiny.csv", "1e-400\n"), j = write("tiny.json", "1e-400");
  Result rc = runSmpc("run " + src + " --input a=" + c);
  Result rj = runSmpc("run " + src + " --input a=" + j);
  CHECK(rc.err == "");
  CHECK(rc.out == "x = 1\n");
  CHECK(rj.out == rc.out);
}

TEST_CASE("a parameter's default overridden by an input's size draws a note") {
  std::string src = write("dflt.smpc", R"(param n: int = 10;
input a: sint[n] from party 0;
fn main() { output s = sum(a) to all; }
)");
  std::string a = write("dflt_a.csv", "1,2,3\n");
  Result r = runSmpc("run " + src + " --input a=" + a);
  CHECK(r.code == 0);
  CHECK(r.out == "s = 6\n");
  CHECK(r.err == "smpc: note: parameter 'n' is 3, the size of input 'a' (" + a +
                     "), instead of its default; set it with -D n=... to choose\n");
  r = runSmpc("run " + src + " --input a=" + a + " -D n=3");
  CHECK(r.err == "");
}

TEST_CASE("an input file that sizes a parameter is read once (a named pipe works)") {
  std::string src = write("fifo.smpc", kSum);
  std::string fifo = (dir() / "a.fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // The writer blocks until smpc opens the pipe; a second open would wait
  // for a writer that never comes back.
  std::thread writer([&] { std::ofstream(fifo) << "5\n6\n7\n"; });
  Result r = runSmpc("run " + src + " --input a=" + fifo);
  writer.join();
  CHECK(r.err == "");
  CHECK(r.out == "s = 18\n");
}

#if !defined(__SANITIZE_ADDRESS__)
TEST_CASE("running out of memory is a sentence, not std::bad_alloc") {
  // Under a 150 MB address-space limit, a 16-million-element vector cannot
  // be built (ASan reserves far more than that up front, hence the guard).
  std::string src = write("oom.smpc", R"(param n: int;
fn main() { let x = fill(1, n); output s = sum(x * x) to all; }
)");
  const std::string msg =
      "error: out of memory; use smaller inputs or parameters, or a machine with more memory\n";
  Result r =
      runShell("ulimit -v 150000; " + std::string(SMPC_BIN) + " run " + src + " -D n=16000000");
  CHECK(r.code == 1);
  CHECK(r.err == "smpc: " + msg);
  r = runShell("ulimit -v 150000; " + std::string(SMPCC_BIN) + " compile " + src +
               " -D n=16000000 -o /dev/null");
  CHECK(r.code == 1);
  CHECK(r.err == "smpcc: " + msg);
}
#endif

TEST_CASE("input files read in parallel: a bad file is named, whichever finishes first") {
  // Two inputs size one parameter and are parsed at the same time; the
  // refused one stops the other and is the one reported, with its line.
  std::string src = write("two_inputs.smpc", R"(param n: int;
input a: sint[n] from party 0;
input b: sint[n] from party 1;
fn main() { output s = sum(a * b) to all; }
)");
  std::string big;
  for (int i = 0; i < 300000; ++i)
    big += std::to_string(i) + "\n";
  std::string a = write("parallel_a.csv", big);
  std::string bad = write("parallel_bad.csv", "1\nx\n");
  for (const char *protocol : {"clear", "semi2k"}) {
    CAPTURE(protocol);
    std::string args = "run " + src;
    args += std::string(" --protocol ") + protocol + " --parties 2 --input ";
    std::string aGood = "a=", aBad = "a=";
    aGood += a + " --input b=";
    aGood += bad;
    aBad += bad + " --input b=";
    aBad += a;
    Result r = runSmpc(args + aGood);
    CHECK(r.code == 1);
    CHECK(r.err == "smpc: error: " + bad + ":2: input 'b': field 1 is not an integer\n");
    r = runSmpc(args + aBad);
    CHECK(r.code == 1);
    CHECK(r.err == "smpc: error: " + bad + ":2: input 'a': field 1 is not an integer\n");
  }
}

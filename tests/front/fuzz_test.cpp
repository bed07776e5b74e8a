//===- fuzz_test.cpp - seeded mutations of real programs never crash ------===//
//
// Takes the sample programs, applies random byte edits, deletions and
// splices, and runs the whole front end on each. Every run must end with
// either success or diagnostics; the seed is printed on failure.
//===----------------------------------------------------------------------===//
#include "compiler/api.h"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

using namespace smpc;

namespace {

std::vector<std::string> samplePrograms() {
  std::vector<std::string> out;
  for (const auto &e : std::filesystem::recursive_directory_iterator(SMPC_SAMPLES_DIR))
    if (e.path().extension() == ".smpc") {
      std::ifstream in(e.path());
      std::ostringstream ss;
      ss << in.rdbuf();
      out.push_back(ss.str());
    }
  return out;
}

std::string mutate(std::string s, std::mt19937_64 &rng) {
  static const char *kTokens[] = {"(",    ")",     "[",    "]",   "{",   "}",      ";",
                                  ",",    "@",     "..",   "fn",  "for", "if",     "reveal(",
                                  "sint", "sfix[", "0",    "1.5", "-",   "return", "main",
                                  "x",    "\xff",  "\xc3", "=",   "var"};
  int edits = 1 + int(rng() % 4);
  for (int i = 0; i < edits && !s.empty(); ++i) {
    size_t pos = rng() % s.size();
    switch (rng() % 4) {
    case 0:
      s[pos] = static_cast<char>(rng() % 128);
      break;
    case 1:
      s.erase(pos, 1 + rng() % 10);
      break;
    case 2:
      s.insert(pos, kTokens[rng() % (sizeof kTokens / sizeof *kTokens)]);
      break;
    default: {
      size_t from = rng() % s.size();
      s.insert(pos, s.substr(from, 1 + rng() % 40));
    }
    }
  }
  return s;
}

} // namespace

TEST_CASE("mutated samples give a result or diagnostics, never a crash") {
  auto programs = samplePrograms();
  REQUIRE(!programs.empty());
  const uint64_t seed = 20261125; // test data only
  std::mt19937_64 rng(seed);
  compiler::Options opts;
  opts.defines = {{"n", 4}, {"m", 3}, {"k", 2}, {"d", 3}};
  int withErrors = 0;
  for (int iter = 0; iter < 300; ++iter) {
    std::string src = mutate(programs[iter % programs.size()], rng);
    std::ostringstream diags;
    bool ok = compiler::check("fuzz.smpc", src, opts, diags);
    INFO("seed " << seed << ", iteration " << iter);
    if (!ok) {
      ++withErrors;
      CHECK(diags.str().find("error: ") != std::string::npos);
      CHECK(diags.str().find("internal") == std::string::npos);
    }
  }
  CHECK(withErrors > 100);
}

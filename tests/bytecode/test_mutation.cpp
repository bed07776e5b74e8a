//===- test_mutation.cpp - hostile bytecode never crashes the loader/VM ---===//
//
// Valid programs are mutated many thousands of times (bit flips, truncation,
// inserted bytes, interesting field values). The PRG is seeded with a fixed
// seed, printed on failure; SMPC_MUTATION_SEED overrides it.
//===----------------------------------------------------------------------===//
#include "tests/bytecode/fuzz_one.h"
#include "tests/bytecode/samples.h"
#include "vm/bytecode/assemble.h"

#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <random>

using namespace smpc;

namespace {

std::vector<uint8_t> mutate(std::vector<uint8_t> b, std::mt19937_64 &rng) {
  auto pick = [&](uint64_t n) { return n ? rng() % n : 0; };
  const int rounds = 1 + int(pick(3));
  for (int r = 0; r < rounds && !b.empty(); ++r) {
    switch (pick(5)) {
    case 0: // flip one bit
      b[pick(b.size())] ^= uint8_t(1u << pick(8));
      break;
    case 1: // truncate
      b.resize(pick(b.size()));
      break;
    case 2: { // insert random bytes
      size_t at = pick(b.size() + 1), n = 1 + pick(8);
      for (size_t i = 0; i < n; ++i)
        b.insert(b.begin() + long(at), uint8_t(rng()));
      break;
    }
    case 3: { // overwrite a 4-byte field with an interesting value
      static const uint32_t vals[] = {
          0,          1,           2,          3, 7, 0xff, 0xffff, 1u << 28, (1u << 28) + 1,
          0x7fffffff, 0x80000000u, 0xffffffffu};
      uint32_t v = pick(2) ? vals[pick(std::size(vals))] : uint32_t(rng());
      size_t at = pick(b.size() >= 4 ? b.size() - 3 : 1);
      for (int i = 0; i < 4 && at + i < b.size(); ++i)
        b[at + i] = uint8_t(v >> (8 * i));
      break;
    }
    case 4: { // overwrite an 8-byte field (immediates, constants)
      static const uint64_t vals[] = {0,  1, uint64_t(-1), uint64_t(INT64_MIN), uint64_t(INT64_MAX),
                                      63, 64};
      uint64_t v = pick(2) ? vals[pick(std::size(vals))] : rng();
      size_t at = pick(b.size() >= 8 ? b.size() - 7 : 1);
      for (int i = 0; i < 8 && at + i < b.size(); ++i)
        b[at + i] = uint8_t(v >> (8 * i));
      break;
    }
    }
  }
  return b;
}

} // namespace

TEST_CASE("mutated programs are rejected with a message or run safely") {
  uint64_t seed = 0x5eed5eedULL;
  if (const char *s = std::getenv("SMPC_MUTATION_SEED")) seed = std::strtoull(s, nullptr, 0);
  const int perProgram = 15000;
  std::vector<bc::Program> progs = {testing::statsProgram(3), testing::loopProgram(5),
                                    testing::matmulProgram()};
  size_t accepted = 0, total = 0;
  for (size_t k = 0; k < progs.size(); ++k) {
    const auto good = bc::writeProgram(progs[k]);
    REQUIRE(testing::fuzzOne(good));
    std::mt19937_64 rng(seed + k);
    for (int i = 0; i < perProgram; ++i) {
      auto m = mutate(good, rng);
      INFO("seed " << seed << ", program " << k << ", iteration " << i
                   << " (rerun with SMPC_MUTATION_SEED=" << seed << ")");
      accepted += testing::fuzzOne(m) ? 1 : 0;
      ++total;
    }
  }
  MESSAGE("mutants: " << total << ", accepted as valid and run: " << accepted);
  CHECK(total == progs.size() * perProgram);
}

TEST_CASE("mutated compiler output (the fuzz corpus) is rejected or runs safely") {
  // tests/bytecode/corpus: the seed programs and the samples as compiled by
  // smpcc (regenerate with `smpc disasm` + `smpc asm` after a format change).
  const uint64_t seed = 0xc0de5eedULL;
  size_t files = 0;
  for (const auto &entry : std::filesystem::directory_iterator(SMPC_CORPUS_DIR)) {
    if (entry.path().extension() != ".smpcb") continue;
    std::ifstream f(entry.path(), std::ios::binary);
    const std::vector<uint8_t> good((std::istreambuf_iterator<char>(f)),
                                    std::istreambuf_iterator<char>());
    INFO("corpus file " << entry.path().string());
    REQUIRE(testing::fuzzOne(good));
    std::mt19937_64 rng(seed + files++);
    for (int i = 0; i < 3000; ++i) {
      INFO("seed " << seed << ", iteration " << i);
      testing::fuzzOne(mutate(good, rng));
    }
  }
  CHECK(files >= 3);
}

TEST_CASE("mutated assembly text is rejected with a message or assembles to a valid program") {
  const uint64_t seed = 0xa55e3b1eULL;
  std::mt19937_64 rng(seed);
  const std::string alphabet = "0123456789-+:;,.@ spcinoutj[]\nabcdefghijklmnopqrstuvwxyz";
  size_t accepted = 0;
  for (const bc::Program &p : {testing::statsProgram(2), testing::matmulProgram()}) {
    const std::string text = bc::disassemble(p);
    for (int i = 0; i < 5000; ++i) {
      std::string m = text;
      for (int k = 0, n = 1 + int(rng() % 4); k < n && !m.empty(); ++k) {
        size_t at = rng() % m.size();
        switch (rng() % 3) {
        case 0:
          m[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          m.erase(at, 1 + rng() % 8);
          break;
        case 2:
          m.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        }
      }
      INFO("seed " << seed << ", iteration " << i);
      bc::Program q;
      std::string err;
      if (bc::assemble(m, q, err)) {
        ++accepted;
        CHECK(bc::verifyProgram(q) == "");
      } else {
        CHECK(!err.empty());
      }
    }
  }
  MESSAGE("assembly mutants accepted: " << accepted << " of 10000");
}

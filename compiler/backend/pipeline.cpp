//===- pipeline.cpp - runs the registered passes in order ------------------===//
#include "compiler/backend/backend.h"
#include "compiler/passes/passes.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sstream>

namespace smpc::backend {

namespace {

struct PassInfo {
  const char *name;
  bool atO0;
  bool late;
  bool (*run)(ir::Module &);
};

constexpr PassInfo kPasses[] = {
#define SMPC_PASS(Id, Name, AtO0, Late) {Name, AtO0, Late, &passes::run##Id},
#include "compiler/passes/passes.def"
};

// Cheap passes run again after the first round: folding and CSE expose dead
// code and the other way round. Bounded, so compile time stays linear.
constexpr int kCleanupRounds = 2;

} // namespace

std::vector<std::string> passNames() {
  std::vector<std::string> names;
  for (const PassInfo &p : kPasses)
    names.emplace_back(p.name);
  return names;
}

std::string runPasses(ir::Module &m, const PassOptions &opts) {
  auto wants = [&](const char *name) {
    for (const std::string &d : opts.dumpAfter)
      if (d == "all" || d == name) return true;
    return false;
  };
  for (const std::string &d : opts.dumpAfter) {
    bool known = d == "all" || d == "lower";
    for (const PassInfo &p : kPasses)
      known |= d == p.name;
    if (!known) return "unknown pass '" + d + "' in --dump-ir-after";
  }
  if (opts.verifyEach) {
    std::string err = ir::verify(m);
    if (!err.empty()) return "invalid IR before the passes: " + err;
  }
  // SMPC_TIME_PASSES=1 prints the CPU time of every pass run to stderr.
  static const bool timePasses = std::getenv("SMPC_TIME_PASSES") != nullptr;
  auto runOne = [&](const PassInfo &p, bool dump) -> std::string {
    std::clock_t c0 = std::clock();
    p.run(m);
    if (timePasses)
      std::fprintf(stderr, "pass %s: %.2f ms\n", p.name,
                   1000.0 * double(std::clock() - c0) / CLOCKS_PER_SEC);
    if (opts.verifyEach) {
      std::string err = ir::verify(m);
      if (!err.empty()) return std::string("invalid IR after ") + p.name + ": " + err;
    }
    if (dump && opts.dump && wants(p.name))
      *opts.dump << "// -----// IR after " << p.name << " //----- //\n" << ir::print(m);
    return {};
  };
  auto isLast = [](const PassInfo &p) { return p.late; };
  for (int round = 0; round < (opts.optLevel > 0 ? kCleanupRounds : 1); ++round)
    for (const PassInfo &p : kPasses) {
      if ((opts.optLevel == 0 && !p.atO0) || isLast(p)) continue;
      if (round > 0 && std::string_view(p.name) == "inline") continue;
      // Dumps show the first run of each pass.
      if (std::string err = runOne(p, round == 0); !err.empty()) return err;
    }
  // Late passes (peeling, then scheduling) run once: peeling again would
  // peel the remainder, and nothing may reorder after scheduling.
  if (opts.optLevel > 0)
    for (const PassInfo &p : kPasses)
      if (isLast(p))
        if (std::string err = runOne(p, true); !err.empty()) return err;
  return {};
}

} // namespace smpc::backend

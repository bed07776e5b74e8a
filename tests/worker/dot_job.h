//===- dot_job.h - a small job and stand-in nodes for worker tests --------===//
//
// The job: the dot product of two secret 4-vectors (a from party 0, b from
// party 1). A FakeNode plays a party's node for its workers: it holds that
// party's additive shares of a and b and records what comes back.
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/api.h"
#include "runtime/worker/worker.h"

#include <map>
#include <mutex>
#include <sodium.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace smpc::testing {

inline const char *kDotSource = "input a: sint[4] from party 0;\n"
                                "input b: sint[4] from party 1;\n"
                                "fn main() {\n"
                                "  output p = sum(a * b) to all;\n"
                                "}\n";
inline const std::vector<uint64_t> kDotA = {1, 2, 3, 4}, kDotB = {10, 20, 30, 40};
inline constexpr uint64_t kDotResult = 300;

inline bc::Program dotProgram() {
  std::ostringstream diags;
  auto r = compiler::compile("dot.smpc", kDotSource, {}, diags);
  if (!r) throw std::runtime_error("dot.smpc: " + diags.str());
  return r->program;
}

/// Additive shares of `v` for `n` parties (party 0 gets the correction).
inline std::vector<std::vector<uint64_t>> additiveShares(const std::vector<uint64_t> &v,
                                                         uint32_t n) {
  std::vector<std::vector<uint64_t>> s(n, std::vector<uint64_t>(v.size()));
  for (std::size_t i = 0; i < v.size(); ++i) {
    uint64_t rest = v[i];
    for (uint32_t p = 1; p < n; ++p) {
      randombytes_buf(&s[p][i], sizeof(uint64_t));
      rest -= s[p][i];
    }
    s[0][i] = rest;
  }
  return s;
}

struct FakeNode : worker::JobSource {
  uint32_t party = 0;
  bc::Program prog;
  std::vector<uint64_t> a, b;
  uint64_t maxSteps = 0; // the job's step limit at this party (0 = none)
  std::mutex mu;
  std::map<std::string, int> fetched, finishes;
  std::map<std::string, std::vector<uint64_t>> outputs; // job -> this party's share of p
  std::map<std::string, std::string> failures;

  worker::JobInput fetch(const std::string &job) override {
    std::lock_guard lk(mu);
    ++fetched[job];
    worker::JobInput in;
    in.program = prog;
    in.inputs["a"] = a;
    in.inputs["b"] = b;
    in.maxSteps = maxSteps;
    return in;
  }
  void finish(const std::string &job, node::JobResult &r) override {
    std::lock_guard lk(mu);
    ++finishes[job];
    if (r.outputs.size() != 1) throw std::runtime_error("the dot job has one output");
    outputs[job] = r.outputs[0].second;
  }
  void fail(const std::string &job, const std::string &reason) override {
    std::lock_guard lk(mu);
    failures[job] = reason;
  }
  std::size_t ended() {
    std::lock_guard lk(mu);
    return finishes.size() + failures.size();
  }
};

} // namespace smpc::testing

//===- bench_compile.cpp - how fast smpcc compiles, and how well it schedules ===//
//
// Compiles every sample in samples/ (parameters inferred from its data
// files) and generated programs: a 200x200 sfix matrix product plus 1,000
// loop iterations of scalar work, 10,000 statements, and one loop at 10 and
// 10^6 iterations. Each compile runs in a child process so its peak RSS is
// its own. Prints `name value unit` lines; for each sample also the rounds
// of the cost report next to the multiplicative depth.
//   usage: bench_compile [samples-dir]
//===----------------------------------------------------------------------===//
#include "compiler/api.h"
#include "compiler/backend/backend.h"
#include "compiler/ir/builder.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <tuple>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace smpc;

namespace {

struct Job {
  std::string name, path, source;
  compiler::Options opts;
};

struct Figures {
  double ms = 0, cpuMs = 0; // wall clock and CPU time of compile()
  uint64_t instrs = 0, sregs = 0, pregs = 0, rounds = 0, depth = 0;
  bool ok = false;
};

uint64_t field(const std::string &text, const std::string &key) {
  size_t at = text.find(key + ": ");
  return at == std::string::npos ? 0 : std::stoull(text.substr(at + key.size() + 2));
}

// Compile (timed) and cost, in this process.
Figures measure(const Job &job) {
  Figures f;
  std::ostringstream diags;
  auto t0 = std::chrono::steady_clock::now();
  std::clock_t c0 = std::clock();
  auto res = compiler::compile(job.path, job.source, job.opts, diags);
  f.cpuMs = 1000.0 * double(std::clock() - c0) / CLOCKS_PER_SEC;
  f.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!res) {
    std::cerr << job.name << ": " << diags.str();
    return f;
  }
  f.instrs = res->program.code.size();
  f.sregs = res->program.sregLen.size();
  f.pregs = res->program.pregLen.size();
  auto cost = compiler::cost(job.path, job.source, job.opts, 2, diags);
  if (cost) {
    f.rounds = cost->rounds;
    f.depth = field(cost->text, "depth");
  }
  f.ok = true;
  return f;
}

// Runs measure() in a child so getrusage reports this compile's peak RSS.
void run(const Job &job, bool withRounds) {
  int fds[2];
  if (pipe(fds) != 0) return;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Figures f = measure(job);
    if (write(fds[1], &f, sizeof f) != ssize_t(sizeof f)) _exit(2);
    _exit(0);
  }
  close(fds[1]);
  Figures f;
  ssize_t got = read(fds[0], &f, sizeof f);
  close(fds[0]);
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  if (got != ssize_t(sizeof f) || !f.ok) {
    std::cout << job.name << ".error 1 flag\n";
    return;
  }
  std::printf("%s.compile %.2f ms\n", job.name.c_str(), f.ms);
  std::printf("%s.compile_cpu %.2f ms\n", job.name.c_str(), f.cpuMs);
  std::printf("%s.peak_rss %.1f MiB\n", job.name.c_str(), double(ru.ru_maxrss) / 1024.0);
  std::printf("%s.instructions %llu instrs\n", job.name.c_str(), (unsigned long long)f.instrs);
  std::printf("%s.registers %llu regs\n", job.name.c_str(),
              (unsigned long long)(f.sregs + f.pregs));
  if (withRounds) {
    std::printf("%s.rounds %llu rounds\n", job.name.c_str(), (unsigned long long)f.rounds);
    std::printf("%s.depth %llu rounds\n", job.name.c_str(), (unsigned long long)f.depth);
  }
  std::fflush(stdout);
}

// Element count or (rows, cols) of a CSV data file.
std::pair<uint64_t, uint64_t> csvShape(const fs::path &p) {
  std::ifstream in(p);
  std::string line;
  uint64_t rows = 0, cols = 0;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (rows++ == 0) cols = 1 + std::count(line.begin(), line.end(), ',');
  }
  return {rows, cols};
}

std::string readFile(const fs::path &p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void samples(const fs::path &dir) {
  if (!fs::is_directory(dir)) return;
  std::vector<fs::path> dirs;
  for (const auto &e : fs::directory_iterator(dir))
    if (fs::exists(e.path() / "sample.json")) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  for (const fs::path &d : dirs) {
    nlohmann::json spec = nlohmann::json::parse(readFile(d / "sample.json"), nullptr, false);
    if (spec.is_discarded() || !spec.contains("program")) continue;
    Job job;
    job.name = "sample." + d.filename().string();
    job.path = (d / spec["program"].get<std::string>()).string();
    job.source = readFile(job.path);
    std::ostringstream diags;
    auto sigs = compiler::inspectInputs(job.path, job.source, job.opts, diags);
    if (!sigs) continue;
    for (const auto &sig : *sigs) {
      if (!spec["inputs"].contains(sig.name)) continue;
      auto [rows, cols] = csvShape(d / spec["inputs"][sig.name].get<std::string>());
      if (sig.dimParams.size() == 1 && !sig.dimParams[0].empty())
        job.opts.defines[sig.dimParams[0]] = int64_t(rows * cols);
      if (sig.dimParams.size() == 2) {
        if (!sig.dimParams[0].empty()) job.opts.defines[sig.dimParams[0]] = int64_t(rows);
        if (!sig.dimParams[1].empty()) job.opts.defines[sig.dimParams[1]] = int64_t(cols);
      }
    }
    run(job, true);
  }
}

Job generated(const std::string &name, const std::string &source,
              std::map<std::string, int64_t> defines = {}) {
  Job job;
  job.name = name;
  job.path = name + ".smpc";
  job.source = source;
  job.opts.defines = std::move(defines);
  return job;
}

// Middle and back end alone on hand-built IR: N statements of
// `v = v * 0.5 + 1.0` (every 10th `v = v * v`), to check linear scaling.
void backendOnly(int n) {
  using namespace ir;
  Module m;
  m.functions.emplace_back().name = "main";
  bc::IoEntry io;
  io.name = "a";
  m.inputs.push_back(io);
  io.name = "v";
  m.outputs.push_back(io);
  Function &f = m.functions[0];
  Builder b(f, f.body);
  Type sfix = scalarType(Vis::Secret, bc::ElemType::Fix);
  Type fix = scalarType(Vis::Public, bc::ElemType::Fix);
  ValueId v = b.op(bc::Op::Input, sfix, {}, {0});
  for (int i = 0; i < n; ++i) {
    if (i % 10 == 9) {
      v = b.op(bc::Op::TruncS, sfix, {b.op(bc::Op::MulSS, sfix, {v, v})}, {16});
      continue;
    }
    ValueId half = b.constant(fix, {32768}), one = b.constant(fix, {65536});
    v = b.op(bc::Op::TruncS, sfix, {b.op(bc::Op::MulSP, sfix, {v, half})}, {16});
    v = b.op(bc::Op::AddSP, sfix, {v, one});
  }
  b.opNoResult(bc::Op::OutputS, {v}, {0});
  b.ret({});
  auto t0 = std::chrono::steady_clock::now();
  std::clock_t c0 = std::clock();
  backend::PassOptions o;
  std::string err = backend::runPasses(m, o);
  bc::Program p = backend::emit(m);
  double cpu = 1000.0 * double(std::clock() - c0) / CLOCKS_PER_SEC;
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!err.empty()) std::cout << "backend.statements" << n << ".error 1 flag\n";
  std::printf("backend.statements%d.passes_and_emit %.2f ms\n", n, ms);
  std::printf("backend.statements%d.passes_and_emit_cpu %.2f ms\n", n, cpu);
  std::printf("backend.statements%d.instructions %zu instrs\n", n, p.code.size());
}

} // namespace

int main(int argc, char **argv) {
  samples(argc > 1 ? argv[1] : SMPC_SAMPLES_DIR);

  run(generated("gen.matmul200_loop1000", R"(
input a: sfix[200, 200] from party 0;
input b: sfix[200, 200] from party 1;
fn main() {
  let c = a @ b;
  var acc: sfix = 0.0;
  for i in 0..1000 { acc = acc * 0.5 + c[0, 0]; }
  output c = c to all;
  output acc = acc to all;
}
)"),
      true);

  std::string stmts = "input a: sfix from party 0;\nfn main() {\n  var v: sfix = a;\n";
  for (int i = 0; i < 10000; ++i)
    stmts += i % 10 == 9 ? "  v = v * v;\n" : "  v = v * 0.5 + 1.0;\n";
  stmts += "  output v = v to all;\n}\n";
  run(generated("gen.statements10000", stmts), true);

  const char *loop = R"(
param N: int;
input x: sfix[4] from party 0;
fn main() {
  var acc = x;
  for i in 0..N { acc = acc * x + x; }
  output acc = acc to all;
}
)";
  run(generated("gen.loop10", loop, {{"N", 10}}), true);
  run(generated("gen.loop1000000", loop, {{"N", 1000000}}), true);
  // One vector literal of n numbers on one line (#7 item 5): the dense path
  // (compiler/front/dense_literals.h) and, for scale, the ANTLR path that a
  // comment inside the literal forces.
  for (auto [n, fix, antlr] : {std::tuple{1000000, false, false}, std::tuple{1000000, true, false},
                               std::tuple{100000, false, true}}) {
    std::string lit = "input a: " + std::string(fix ? "sfix" : "sint") +
                      " from party 0;\nfn main() {\n  let x = [";
    uint64_t r = 12345;
    for (int i = 0; i < n; ++i) {
      r = r * 6364136223846793005ULL + 1442695040888963407ULL;
      if (i) lit += ", ";
      if (r >> 63) lit += "-";
      lit += std::to_string((r >> 33) % 1000000);
      if (fix) lit += "." + std::to_string((r >> 20) % 1000);
    }
    lit += antlr ? " /* */];\n" : "];\n";
    lit += "  output s = sum(x) + a to all;\n}\n";
    run(generated("gen.literal" + std::to_string(n) + (fix ? "_fix" : "_int") +
                      (antlr ? "_antlr" : ""),
                  lit),
        false);
  }
  for (int n : {10000, 40000})
    backendOnly(n);
  return 0;
}

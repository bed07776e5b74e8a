//===- bench_inputs.cpp - how fast and how lean input files load ----------===//
//
// Figures for issue 7 item 4 (docs/benchmarks.md, "bench_inputs"):
//   * 10^8 values (one per line, ~0.8 GB of CSV) loaded into the ring: time,
//     throughput and the peak RSS of the loading process (a forked child, so
//     getrusage reports its own peak);
//   * a ~100 MB file of the wrong shape: a surplus row, a wrong row length,
//     and too few values (which reads it all): time to refusal;
//   * a 10^6-multiplication semi2k job run with `smpc run` on two 10^6-value
//     files: wall time against the parties' online time (--stats).
// Files go to a fresh directory under $TMPDIR (removed at the end).
//   usage: bench_inputs [values=100000000] [job_values=1000000]
//===----------------------------------------------------------------------===//
#include "runtime/data/inputs.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace smpc;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Writes `n` values, `perLine` to a line, cycling through numbers of 1 to
// 6 digits with and without a fraction, so the parser sees varied text.
uint64_t writeValues(const fs::path &p, uint64_t n, unsigned perLine, bool fix) {
  std::ofstream f(p, std::ios::binary);
  std::string buf;
  buf.reserve(1 << 20);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t v = (i * 2654435761u) % 1000000;
    buf += std::to_string(v % 2 ? v : v / 37);
    if (fix) buf += "." + std::to_string(i % 100);
    buf += (i + 1) % perLine == 0 ? '\n' : ',';
    if (buf.size() > (1 << 20) - 64) {
      f << buf;
      buf.clear();
    }
  }
  f << buf;
  f.close();
  return fs::file_size(p);
}

struct Load {
  double seconds = 0, peakMiB = 0;
  bool ok = false;
  std::string error;
};

// Loads `path` as `spec` in a forked child; its peak RSS is the load's.
Load loadInChild(const data::InputSpec &spec, const fs::path &path) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string msg;
    auto t0 = Clock::now();
    double s = 0;
    char ok = 1;
    try {
      data::InputData d = data::readInput(spec, path.string());
      s = secondsSince(t0);
      msg = std::to_string(d.values.size());
    } catch (const data::DataError &e) {
      s = secondsSince(t0);
      ok = 0;
      msg = e.what();
    }
    if (write(fds[1], &ok, 1) != 1 || write(fds[1], &s, sizeof s) != ssize_t(sizeof s) ||
        write(fds[1], msg.data(), msg.size()) != ssize_t(msg.size()))
      _exit(2);
    _exit(0);
  }
  close(fds[1]);
  Load l;
  char ok = 0;
  std::string msg;
  if (read(fds[0], &ok, 1) == 1 && read(fds[0], &l.seconds, sizeof l.seconds) == sizeof l.seconds) {
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0)
      msg.append(buf, size_t(n));
  }
  close(fds[0]);
  struct rusage ru {};
  int status = 0;
  wait4(pid, &status, 0, &ru);
  l.peakMiB = double(ru.ru_maxrss) / 1024.0;
  l.ok = ok == 1;
  l.error = msg;
  return l;
}

data::InputSpec vectorSpec(uint64_t n, bc::ElemType elem = bc::ElemType::Int) {
  data::InputSpec s;
  s.name = "x";
  s.elem = elem;
  s.ndims = 1;
  s.expect = data::Dims{n};
  return s;
}

void bigLoad(const fs::path &dir, uint64_t n) {
  fs::path p = dir / "big.csv";
  auto t0 = Clock::now();
  uint64_t bytes = writeValues(p, n, 1, false);
  std::fprintf(stderr, "wrote %llu values (%.0f MB) in %.1f s\n", (unsigned long long)n,
               double(bytes) / 1e6, secondsSince(t0));
  Load l = loadInChild(vectorSpec(n), p);
  if (!l.ok) {
    std::cout << "inputs.load_error 1 flag\n";
    std::cerr << l.error << "\n";
    return;
  }
  std::printf("inputs.csv_values %llu values\n", (unsigned long long)n);
  std::printf("inputs.csv_file %.0f MB\n", double(bytes) / 1e6);
  std::printf("inputs.csv_load %.2f s\n", l.seconds);
  std::printf("inputs.csv_throughput %.0f MB/s\n", double(bytes) / 1e6 / l.seconds);
  std::printf("inputs.csv_peak_rss %.0f MiB\n", l.peakMiB);
  std::printf("inputs.csv_bytes_per_value %.1f bytes\n", l.peakMiB * 1048576.0 / double(n));
  std::fflush(stdout);
  fs::remove(p);
}

void fixLoad(const fs::path &dir, uint64_t n) {
  fs::path p = dir / "fix.csv";
  uint64_t bytes = writeValues(p, n, 10, true);
  data::InputSpec s;
  s.name = "m";
  s.elem = bc::ElemType::Fix;
  s.ndims = 2;
  s.expect = data::Dims{n / 10, 10};
  Load l = loadInChild(s, p);
  std::printf("inputs.fix_matrix_load %.2f s\n", l.seconds);
  std::printf("inputs.fix_matrix_throughput %.0f MB/s\n", double(bytes) / 1e6 / l.seconds);
  fs::remove(p);
}

void wrongShape(const fs::path &dir) {
  // ~100 MB: 1.4e7 lines of 1-6 digit values.
  const uint64_t n = 14000000;
  fs::path col = dir / "wrong.csv";
  uint64_t bytes = writeValues(col, n, 1, false);
  std::printf("inputs.wrong_shape_file %.0f MB\n", double(bytes) / 1e6);
  Load surplus = loadInChild(vectorSpec(1000), col);
  std::printf("inputs.refuse_surplus_row %.4f s\n", surplus.seconds);
  Load fewer = loadInChild(vectorSpec(n + 1), col);
  std::printf("inputs.refuse_too_few_values %.3f s\n", fewer.seconds);
  if (surplus.ok || fewer.ok) std::cout << "inputs.wrong_shape_accepted 1 flag\n";
  fs::path rows = dir / "rows.csv";
  writeValues(rows, n, 7, false);
  data::InputSpec m;
  m.name = "m";
  m.ndims = 2;
  m.expect = data::Dims{n / 7, 6};
  Load width = loadInChild(m, rows);
  std::printf("inputs.refuse_row_length %.4f s\n", width.seconds);
  fs::remove(col);
  fs::remove(rows);
}

// Runs `smpc run` on a 10^6-multiplication job under semi2k with 2 parties,
// three times; prints the medians (the machine is shared: one run can be
// off by a lot).
void job(const fs::path &dir, uint64_t n) {
  fs::path prog = dir / "mul.smpc", a = dir / "a.csv", b = dir / "b.csv", err = dir / "err.txt";
  std::ofstream(prog) << "param n: int;\n"
                         "input a: sint[n] from party 0;\n"
                         "input b: sint[n] from party 1;\n"
                         "fn main() { output s = sum(a * b) to all; }\n";
  writeValues(a, n, 1, false);
  writeValues(b, n, 1, false);
  std::string cmd = std::string(SMPC_BIN) + " run " + prog.string() +
                    " --protocol semi2k --parties 2 --stats --input a=" + a.string() +
                    " --input b=" + b.string() + " >/dev/null 2>" + err.string();
  constexpr int kRuns = 3;
  std::vector<double> walls, onlines, gaps;
  for (int r = 0; r < kRuns; ++r) {
    auto t0 = Clock::now();
    int rc = std::system(cmd.c_str());
    double wall = secondsSince(t0);
    std::ifstream f(err);
    std::stringstream ss;
    ss << f.rdbuf();
    std::string text = ss.str();
    // The online time each party prints starts at the start barrier, when
    // every party has its job loaded (docs/running.md): the slower one's.
    double online = 0;
    std::regex re("online ([0-9.]+) s");
    for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
      online = std::max(online, std::stod((*it)[1]));
    if (rc != 0 || online == 0) {
      std::cout << "inputs.job_error 1 flag\n";
      std::cerr << text;
      return;
    }
    walls.push_back(wall);
    onlines.push_back(online);
    gaps.push_back(wall - online);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf("inputs.job_multiplications %llu mults\n", (unsigned long long)n);
  std::printf("inputs.job_wall %.2f s\n", median(walls));
  std::printf("inputs.job_online %.2f s\n", median(onlines));
  std::printf("inputs.job_wall_minus_online %.2f s\n", median(gaps));
}

} // namespace

static int benchMain(int argc, char **argv) {
  const uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000000;
  const uint64_t jobN = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
  const char *tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/bench_inputs_XXXXXX";
  if (!mkdtemp(tmpl.data())) {
    std::perror("mkdtemp");
    return 1;
  }
  fs::path dir = tmpl;
  bigLoad(dir, n);
  fixLoad(dir, std::min<uint64_t>(n, 10000000));
  wrongShape(dir);
  job(dir, jobN);
  fs::remove_all(dir);
  return 0;
}

int main(int argc, char **argv) {
  try {
    return benchMain(argc, argv);
  } catch (const std::exception &e) {
    std::cerr << "bench_inputs: " << e.what() << "\n";
    return 1;
  }
}

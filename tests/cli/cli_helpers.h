//===- cli_helpers.h - run the real `smpc`/`smpcc` binaries in tests -----===//
#pragma once

#include "vm/bytecode/serialize.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace smpc::clitest {

namespace fs = std::filesystem;

// Removed when the test program exits.
struct TmpDir {
  fs::path path;
  ~TmpDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

inline fs::path dir() {
  static TmpDir d{[] {
    fs::path p = fs::temp_directory_path() / ("smpc_cli_test_" + std::to_string(getpid()));
    fs::create_directories(p);
    return p;
  }()};
  return d.path;
}

inline std::string write(const std::string &name, const std::string &content) {
  fs::path p = dir() / name;
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

inline std::string writeProg(const std::string &name, const bc::Program &prog) {
  auto bytes = bc::writeProgram(prog);
  return write(name, std::string(bytes.begin(), bytes.end()));
}

inline std::string slurp(const fs::path &p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

struct Result {
  int code;
  std::string out, err;
};

/// Runs a shell command line, capturing its stdout and stderr.
inline Result runShell(const std::string &line) {
  fs::path o = dir() / "stdout", e = dir() / "stderr";
  std::string cmd = "(" + line + ") >" + o.string() + " 2>" + e.string();
  int st = std::system(cmd.c_str());
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, slurp(o), slurp(e)};
}

/// Runs `smpc ARGS`.
inline Result runSmpc(const std::string &args) {
  return runShell(std::string(SMPC_BIN) + " " + args);
}

/// Runs `smpcc ARGS`.
inline Result runSmpcc(const std::string &args) {
  return runShell(std::string(SMPCC_BIN) + " " + args);
}

} // namespace smpc::clitest

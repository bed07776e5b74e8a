//===- load_program.cpp - a verified Program from .smpcb or .smpc ---------===//
//
// For .smpc the compiler is linked when the build has it (SMPC_HAVE_COMPILER).
// Parameters that are exactly one dimension of an input take the size of
// that input's data file, unless -D sets them.
//===----------------------------------------------------------------------===//
#include "runtime/cli/commands.h"
#include "runtime/data/inputs.h"
#include "vm/bytecode/serialize.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#ifdef SMPC_HAVE_COMPILER
#include "compiler/api.h"
#endif

namespace smpc::cli {

void printError(const std::string &msg) {
  std::cerr << ("smpc: error: " + msg + "\n"); // one write: lines of concurrent nodes stay whole
}

bool parseDefine(const std::string &arg, std::map<std::string, int64_t> &defines) {
  size_t eq = arg.find('=');
  int64_t v = 0;
  if (eq != std::string::npos && eq > 0) {
    const char *b = arg.data() + eq + 1, *e = arg.data() + arg.size();
    auto r = std::from_chars(b, e, v);
    if (r.ec == std::errc() && r.ptr == e && b != e) {
      defines[arg.substr(0, eq)] = v;
      return true;
    }
  }
  printError("-D takes NAME=INTEGER, got '" + arg + "'");
  return false;
}

// Reads a whole regular file of at most kMaxProgramBytes; `why` says what
// went wrong otherwise (so /dev/zero or a directory cannot hang or exhaust us).
static bool readBytes(const std::string &path, std::vector<uint8_t> &out, std::string &why) {
  constexpr uint64_t kMaxProgramBytes = uint64_t(1) << 32;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    why = std::filesystem::exists(path, ec) ? "is not a regular file" : "does not exist";
    return false;
  }
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxProgramBytes) {
    why = ec ? "cannot be read" : "is larger than 4 GiB";
    return false;
  }
  std::ifstream f(path, std::ios::binary);
  out.resize(size);
  if (!f || !f.read(reinterpret_cast<char *>(out.data()), std::streamsize(size))) {
    why = "cannot be read";
    return false;
  }
  return true;
}

static bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

#ifdef SMPC_HAVE_COMPILER
// Adds to `defines` every parameter an input file determines; false (after
// printing why) when two files disagree.
static bool inferParams(const std::string &path, const std::string &source, LoadOptions &lo,
                        const compiler::Options &copts) {
  auto sigs = compiler::inspectInputs(path, source, copts, std::cerr);
  if (!sigs) return false;
  std::map<std::string, std::pair<uint64_t, std::string>> inferred; // param -> size, from
  for (const compiler::InputSignature &sig : *sigs) {
    auto f = lo.inputFiles.find(sig.name);
    if (f == lo.inputFiles.end()) continue;
    bool any = false;
    for (const std::string &p : sig.dimParams)
      any = any || (!p.empty() && !lo.defines.count(p));
    if (!any) continue;
    std::vector<uint64_t> dims =
        data::fileDims(sig.name, f->second, unsigned(sig.dimParams.size()));
    for (size_t k = 0; k < sig.dimParams.size() && k < dims.size(); ++k) {
      const std::string &p = sig.dimParams[k];
      if (p.empty() || lo.defines.count(p)) continue;
      std::string from = "input '" + sig.name + "' (" + f->second + ")";
      auto [it, fresh] = inferred.try_emplace(p, dims[k], from);
      if (!fresh && it->second.first != dims[k]) {
        printError("parameter '" + p + "' is " + std::to_string(it->second.first) + " from " +
                   it->second.second + " but " + std::to_string(dims[k]) + " from " + from +
                   "; fix the data or set it with -D " + p + "=...");
        return false;
      }
    }
  }
  for (const auto &[p, v] : inferred)
    lo.defines[p] = int64_t(v.first);
  return true;
}
#endif

std::optional<bc::Program> loadProgram(const std::string &path, const LoadOptions &opts) {
  std::vector<uint8_t> bytes;
  std::string why;
  if (!readBytes(path, bytes, why)) {
    printError("cannot read '" + path + "': it " + why);
    return std::nullopt;
  }
  if (!endsWith(path, ".smpc")) {
    bc::Program prog;
    std::string err;
    if (!bc::readProgram(bytes, prog, err)) {
      printError(path + ": " + err);
      return std::nullopt;
    }
    return prog;
  }
#ifdef SMPC_HAVE_COMPILER
  std::string source(bytes.begin(), bytes.end());
  LoadOptions lo = opts;
  compiler::Options copts;
  copts.optLevel = lo.optLevel;
  copts.importPaths = lo.importPaths;
  copts.defines = lo.defines;
  try {
    if (!inferParams(path, source, lo, copts)) return std::nullopt;
  } catch (const data::DataError &e) {
    printError(e.what());
    return std::nullopt;
  }
  copts.defines = lo.defines;
  auto res = compiler::compile(path, source, copts, std::cerr);
  if (!res) return std::nullopt;
  // The compiler's output goes through the same verifier as a file would.
  std::string err = bc::verifyProgram(res->program);
  if (!err.empty()) {
    printError(path + ": the compiler produced invalid bytecode: " + err);
    return std::nullopt;
  }
  return std::move(res->program);
#else
  printError("this build of smpc cannot compile .smpc sources (the compiler library is not "
             "built); compile with smpcc and run the .smpcb");
  return std::nullopt;
#endif
}

} // namespace smpc::cli

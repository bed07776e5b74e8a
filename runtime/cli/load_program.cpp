//===- load_program.cpp - a verified Program from .smpcb or .smpc ---------===//
//
// Parameters that are exactly one dimension of an input take the size of
// that input's data file, unless -D sets them. The file is streamed once;
// its encoded values wait in the InputCache until the inputs are bound.
//===----------------------------------------------------------------------===//
#include "runtime/cli/load_program.h"

#include "vm/bytecode/serialize.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <new>

namespace smpc::cli {

void printError(const std::string &msg) {
  std::cerr << ("smpc: error: " + msg + "\n");
}

std::string errorText(const std::exception &e) {
  if (dynamic_cast<const std::bad_alloc *>(&e))
    return "out of memory; use smaller inputs or parameters, or a machine with more memory";
  return e.what();
}

bool readSmallFile(const std::string &path, std::string &out, std::string &why) {
  constexpr uint64_t kMaxBytes = uint64_t(1) << 32;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    why = std::filesystem::exists(path, ec) ? "is not a regular file" : "does not exist";
    return false;
  }
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxBytes) {
    why = ec ? "cannot be read" : "is larger than 4 GiB";
    return false;
  }
  std::ifstream f(path, std::ios::binary);
  out.resize(size);
  if (!f || !f.read(out.data(), std::streamsize(size))) {
    why = "cannot be read";
    return false;
  }
  return true;
}

std::optional<compiler::Options> sourceOptions(const std::string &tool, const std::string &path,
                                               const std::string &source, const SourceOptions &src,
                                               const std::map<std::string, std::string> &inputFiles,
                                               data::InputCache *cache, std::ostream &diags) {
  compiler::Options copts;
  copts.optLevel = src.optLevel;
  copts.importPaths = src.importPaths;
  copts.defines = src.defines;
  if (src.fracBits) copts.fracBits = *src.fracBits;
  if (inputFiles.empty()) return copts;
  auto sigs = compiler::inspectInputs(path, source, copts, diags);
  if (!sigs) return std::nullopt;

  struct Found {
    uint64_t value;
    std::string from;
    bool overridesDefault;
  };
  std::map<std::string, Found> inferred;
  // The files are parsed in parallel, one thread each (a 10^6-value file
  // takes a tenth of a second), and their sizes taken in order. The first
  // file refused stops the others at their next chunk, so a refusal is as
  // quick as with one file; the error reported is the first in the
  // program's order among the files that were read to their problem.
  struct Read {
    const compiler::InputSignature *sig;
    const std::string *path;
    data::InputSpec spec;
    std::future<data::InputData> data;
  };
  std::atomic<bool> stop{false}; // outlives `reads`, whose futures join their threads
  std::vector<Read> reads;
  for (const compiler::InputSignature &sig : *sigs) {
    auto file = inputFiles.find(sig.name);
    if (file == inputFiles.end()) continue;
    bool any = false;
    for (const std::string &p : sig.dimParams)
      any = any || (!p.empty() && !src.defines.count(p));
    if (!any) continue;
    data::InputSpec spec;
    spec.name = sig.name;
    spec.elem = sig.type.value_or(bc::ElemType::Fix);
    spec.fracBits = copts.fracBits;
    spec.ndims = uint8_t(std::min<size_t>(sig.dimParams.size(), 3));
    spec.keepValues = cache && sig.type; // an unknown type is reported by the compiler
    spec.stop = &stop;
    reads.push_back({&sig, &file->second, spec, {}});
  }
  for (size_t i = 0; i < reads.size(); ++i) {
    Read &r = reads[i];
    // The last file in this thread; the others each in their own.
    const auto policy = i + 1 < reads.size() ? std::launch::async : std::launch::deferred;
    r.data = std::async(policy, [&r, &stop] {
      try {
        return data::readInput(r.spec, *r.path);
      } catch (const data::ReadStopped &) {
        throw;
      } catch (...) {
        stop = true;
        throw;
      }
    });
  }
  try {
    for (Read &r : reads) {
      const compiler::InputSignature &sig = *r.sig;
      const data::InputSpec &spec = r.spec;
      const auto file = inputFiles.find(sig.name);
      data::InputData d = r.data.get();
      const std::string from = "input '" + sig.name + "' (" + file->second + ")";
      for (size_t k = 0; k < sig.dimParams.size() && k < d.dims.size(); ++k) {
        const std::string &p = sig.dimParams[k];
        if (p.empty() || src.defines.count(p)) continue;
        if (d.dims[k] == 0)
          throw data::DataError(file->second + ": input '" + sig.name +
                                "': the file has no values, so parameter '" + p +
                                "' cannot take its size; add data or set it with -D " + p + "=...");
        const bool dflt =
            std::find(sig.defaulted.begin(), sig.defaulted.end(), p) != sig.defaulted.end();
        auto [it, fresh] = inferred.try_emplace(p, Found{d.dims[k], from, dflt});
        if (!fresh && it->second.value != d.dims[k])
          throw data::DataError("parameter '" + p + "' is " + std::to_string(it->second.value) +
                                " from " + it->second.from + " but " + std::to_string(d.dims[k]) +
                                " from " + from + "; fix the data or set it with -D " + p + "=...");
      }
      if (spec.keepValues) {
        data::InputSpec kept = spec;
        kept.stop = nullptr; // `stop` is gone when the cache is used
        (*cache)[sig.name] = {file->second, kept, std::move(d)};
      }
    }
  } catch (const data::DataError &e) {
    stop = true;
    std::string why = e.what();
    if (dynamic_cast<const data::ReadStopped *>(&e)) // another file's problem: find it
      for (Read &r : reads) {
        if (!r.data.valid()) continue;
        try {
          r.data.get();
        } catch (const data::ReadStopped &) {
        } catch (const data::DataError &other) {
          why = other.what();
          break;
        }
      }
    for (Read &r : reads) // every thread ends before `reads` and `stop` go
      if (r.data.valid()) r.data.wait();
    diags << (tool + ": error: " + why + "\n");
    return std::nullopt;
  }
  for (const auto &[p, f] : inferred) {
    copts.defines[p] = int64_t(f.value);
    if (f.overridesDefault)
      diags << (tool + ": note: parameter '" + p + "' is " + std::to_string(f.value) +
                ", the size of " + f.from + ", instead of its default; set it with -D " + p +
                "=... to choose\n");
  }
  return copts;
}

std::optional<bc::Program> loadProgram(const std::string &path, const LoadOptions &opts) {
  std::string text, why;
  if (!readSmallFile(path, text, why)) {
    printError("cannot read '" + path + "': it " + why);
    return std::nullopt;
  }
  const bool isSource = path.size() >= 5 && path.compare(path.size() - 5, 5, ".smpc") == 0;
  if (!isSource) {
    if (!opts.source.given.empty()) {
      printError(opts.source.given.front() + " applies to .smpc sources only; '" + path +
                 "' is compiled bytecode (recompile the source with smpcc compile instead)");
      return std::nullopt;
    }
    bc::Program prog;
    std::string err;
    if (!bc::readProgram(std::vector<uint8_t>(text.begin(), text.end()), prog, err)) {
      printError(path + ": " + err);
      return std::nullopt;
    }
    return prog;
  }
  auto copts =
      sourceOptions("smpc", path, text, opts.source, opts.inputFiles, opts.cache, std::cerr);
  if (!copts) return std::nullopt;
  auto res = compiler::compile(path, text, *copts, std::cerr);
  if (!res) return std::nullopt;
  // The compiler's output goes through the same verifier as a file would.
  std::string err = bc::verifyProgram(res->program);
  if (!err.empty()) {
    printError(path + ": the compiler produced invalid bytecode: " + err);
    return std::nullopt;
  }
  return std::move(res->program);
}

bc::Program readProgramFile(const std::string &path) {
  std::string text, why;
  if (!readSmallFile(path, text, why))
    throw std::runtime_error("cannot read program '" + path + "': it " + why);
  bc::Program prog;
  std::string err;
  if (!bc::readProgram(std::vector<uint8_t>(text.begin(), text.end()), prog, err))
    throw std::runtime_error(path + ": " + err);
  return prog;
}

} // namespace smpc::cli

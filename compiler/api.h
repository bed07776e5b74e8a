//===- api.h - compiling .smpc source: the one entry point for tools ------===//
//
// Used by smpcc and by `smpc run prog.smpc`. Diagnostics are printed to the
// given stream as `file:line:col: error: ...`, the source line and a caret.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/program.h"
#include "vm/bytecode/protocols.h"

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace smpc::compiler {

struct Options {
  std::map<std::string, int64_t> defines; // -D name=value
  int optLevel = 2;                       // 0 or 2
  uint8_t fracBits = 16;
  std::vector<std::string> importPaths; // where `import m;` looks for m.smpc (stdlib first)
  std::vector<std::string> dumpIrAfter; // pass names, or "all"; "lower" = right after lowering
  std::ostream *dumpStream = nullptr;   // where IR dumps go (default: the diagnostics stream)
  bool color = false;                   // colored diagnostics
};

/// One declared input as written in the source, before parameters are bound.
struct InputSignature {
  std::string name;
  uint32_t party = 0;
  std::string elem;                   // "sint", "sfix", ...
  std::optional<bc::ElemType> type;   // elem's element type; nullopt if it names none
  std::vector<std::string> dimParams; // per dimension: the parameter name if the
                                      // dimension is exactly one parameter, else ""
  std::vector<std::string> defaulted; // those of dimParams that declare a default
};

/// Parses `source` and lists its parameters without a value and its inputs,
/// so a caller can infer parameters from data files. Returns nullopt (after
/// printing diagnostics) when the source does not parse.
std::optional<std::vector<InputSignature>> inspectInputs(const std::string &path,
                                                         const std::string &source,
                                                         const Options &opts, std::ostream &diags);

/// Parameter names declared by the program (in order), for messages.
std::vector<std::string> declaredParams(const std::string &path, const std::string &source);

struct CostReport {
  uint32_t parties = 0;
  uint64_t rounds = 0;
  uint64_t bytesPerParty = 0;
  bc::PreprocNeeds needs;
  std::string text; // the human-readable report `smpcc cost` prints
};

struct Result {
  bc::Program program;
};

/// Front end only: parse, check and lower, printing every diagnostic
/// (and IR dumps requested for "lower"). Returns true when there is no error.
bool check(const std::string &path, const std::string &source, const Options &opts,
           std::ostream &diags);

/// Full pipeline: parse, check, lower, optimise, allocate, emit. Returns
/// nullopt after printing every diagnostic when the program has errors.
std::optional<Result> compile(const std::string &path, const std::string &source,
                              const Options &opts, std::ostream &diags);

/// Cost of a compiled program for `parties` parties under `protocol` (0 =
/// the program's minimum, at least the protocol's), from the IR the program
/// was emitted from (loop trip counts known at compile time).
std::optional<CostReport> cost(const std::string &path, const std::string &source,
                               const Options &opts, uint32_t parties, std::ostream &diags,
                               bc::ProtocolId protocol = bc::ProtocolId::Semi2k);

/// Directory of the installed or in-tree stdlib, used when importPaths is empty.
std::string defaultStdlibDir();

} // namespace smpc::compiler

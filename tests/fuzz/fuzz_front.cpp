//===- fuzz_front.cpp - libFuzzer: the .smpc front end (parse and check) --===//
//
// Any bytes as a source file through compiler::check (parse, name, type and
// secrecy checks, lowering to IR), as `smpcc check` runs it. Diagnostics are
// expected; a crash, a hang, an exception escaping or unbounded memory is a
// finding. Imports resolve in the in-tree stdlib.
//===----------------------------------------------------------------------===//
#include "compiler/api.h"

#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string source(reinterpret_cast<const char *>(data), size);
  smpc::compiler::Options opts;
  opts.optLevel = 0;
  std::ostringstream diags;
  smpc::compiler::check("fuzz.smpc", source, opts, diags);
  return 0;
}

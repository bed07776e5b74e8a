//===- fuzz_read_program.cpp - libFuzzer entry: loader, verifier, clear VM ===//
//
// Built only with -DSMPC_FUZZ=ON and clang (docs/testing.md).
//===----------------------------------------------------------------------===//
#include "tests/bytecode/fuzz_one.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  smpc::testing::fuzzOne(std::span<const uint8_t>(data, size));
  return 0;
}

//===- fuzz_one.h - what the mutation test and the libFuzzer target check --===//
//
// Any byte string: readProgram returns an error or a program; a program it
// accepts must run on the clear VM (zero inputs, a step limit) and either
// finish or raise RuntimeError/ProtocolError, never crash.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/serialize.h"
#include "vm/core/errors.h"
#include "vm/core/machine.h"
#include "vm/protocols/clear/clear.h"

#include <span>

namespace smpc::testing {

/// Returns true when the bytes were accepted as a program.
inline bool fuzzOne(std::span<const uint8_t> bytes) {
  bc::Program p;
  std::string err;
  if (!bc::readProgram(bytes, p, err)) {
    if (err.empty()) __builtin_trap(); // a rejection must say why
    return false;
  }
  uint64_t elems = 0;
  for (uint32_t l : p.sregLen)
    elems += l;
  for (uint32_t l : p.pregLen)
    elems += l;
  if (elems > (1u << 20)) return true; // valid but too big to run quickly here
  vm::InputValues in;
  for (const bc::IoEntry &e : p.inputs)
    in[e.name] = std::vector<uint64_t>(e.size(), 3);
  vm::ClearProtocol proto;
  vm::RunOptions ro;
  ro.maxSteps = 2000;
  try {
    vm::run(p, proto, in, ro);
  } catch (const vm::RuntimeError &) {
  } catch (const vm::ProtocolError &) {
  }
  return true;
}

} // namespace smpc::testing

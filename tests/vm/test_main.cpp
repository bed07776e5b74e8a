//===- test_main.cpp - doctest entry point, plus the opcode coverage gate --===//
//
// Run without arguments (as ctest does), the suite also fails when some
// opcode of opcodes.def was never executed by any test: a new instruction
// needs a test in test_ops.cpp.
//===----------------------------------------------------------------------===//
#define DOCTEST_CONFIG_IMPLEMENT
#include "tests/vm/run_helper.h"

#include <doctest/doctest.h>
#include <iostream>

int main(int argc, char **argv) {
  doctest::Context ctx(argc, argv);
  int rc = ctx.run();
  if (ctx.shouldExit() || argc > 1) return rc; // a filtered run covers only part
  int missing = 0;
  for (unsigned i = 0; i < smpc::bc::kNumOps; ++i)
    if (smpc::testing::opsExecuted()[i] == 0) {
      std::cerr << "vm_tests: opcode " << smpc::bc::info(smpc::bc::Op(i)).mnemonic
                << " is never executed by a test; add one to tests/vm/test_ops.cpp\n";
      ++missing;
    }
  return rc != 0 ? rc : missing != 0;
}

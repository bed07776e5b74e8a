//===- cmd_run.cpp - `smpc run`: load, bind inputs, run, print outputs ----===//
//
// Everything the user can get wrong (arguments, program, input data) is
// checked before the program starts. `clear` runs in this process; other
// protocols go to the local cluster (runtime/cluster/local_cluster.h).
//===----------------------------------------------------------------------===//
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"
#include "runtime/cluster/local_cluster.h"
#include "runtime/data/outputs.h"
#include "vm/bytecode/protocols.h"
#include "vm/core/errors.h"
#include "vm/protocols/clear/clear.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>

namespace smpc::cli {

namespace {

void printStats(const vm::ProtocolStats &s) {
  std::cerr << "stats: " << vm::statsText(s) << "\n";
}

} // namespace

int cmdRun(const std::vector<std::string> &args) {
  RunRequest req;
  req.protocol = "clear";
  LoadOptions lo;
  data::InputCache cache;
  lo.cache = &cache;
  std::string path;
  OptionTable t = commandOptions("run", "PROG.smpc|PROG.smpcb [options]");
  t.operand("PROG", "a program", "the program: a .smpc source (compiled here) or .smpcb bytecode",
            path);
  addProtocolOption(t, req.protocol,
                    "protocol (default clear: the plaintext reference, in this process; "
                    "docs/protocols.md says which to choose)");
  addInputOption(t, req.inputFiles,
                 "data for input NAME (CSV, or JSON if FILE ends in .json); repeat per input");
  addOutputJsonOption(t, req.outputJson, "also write the outputs as a JSON object to FILE");
  addSourceOptions(t, lo.source);
  addPartiesOption(t, req.parties,
                   "number of parties (default: the program's minimum, at least the protocol's: 2 "
                   "for semi2k, 3 for rep3 and shamir; rep3 always runs 3)");
  std::string preprocessing;
  addPreprocessingOption(t, preprocessing, "where semi2k gets its triples (default dealer)");
  addMaxStepsOption(t, req.maxSteps);
  addStatsOption(t, req.stats);
  bool allowOverflow = false;
  t.flag("allow-overflow",
         "clear only: a value outside the range where the secure protocols are correct "
         "(docs/protocols.md) draws a warning instead of stopping the run",
         allowOverflow);
  if (auto rc = t.parse(args)) return *rc;
  const bc::ProtocolId protocol = *bc::protocolFromName(req.protocol);
  if (!preprocessing.empty()) {
    if (!bc::info(protocol).preprocessing) {
      printError("--preprocessing applies to semi2k only; " + req.protocol +
                 " needs no preprocessing, leave the option out");
      return kExitUsage;
    }
    req.preprocessing = preprocessing;
  }
  if (allowOverflow && protocol != bc::ProtocolId::Clear) {
    printError("--allow-overflow applies to the clear protocol only (" + req.protocol +
               " cannot see the values it would check); leave the option out");
    return kExitUsage;
  }

  // With the party count known before the program (--parties), the nodes
  // start now: their start-up and connections overlap the compilation and
  // the parsing of the inputs (#7 item 4). Anything refused below kills
  // them unheard; a cluster that cannot start here is started again below,
  // which reports why.
  std::unique_ptr<LocalCluster> early;
  if (protocol != bc::ProtocolId::Clear && req.parties &&
      bc::checkParties(protocol, req.parties, "--parties").empty()) {
    try {
      early = std::make_unique<LocalCluster>(req);
    } catch (const std::exception &) {
      early.reset();
    }
  }

  lo.inputFiles = req.inputFiles;
  req.programPath = path;
  auto prog = loadProgram(path, lo);
  if (!prog) return kExitFail;
  req.program = std::move(*prog);
  if (req.parties && req.parties < req.program.minParties) {
    printError("the program needs at least " + std::to_string(req.program.minParties) +
               " parties, --parties is " + std::to_string(req.parties));
    return kExitUsage;
  }
  if (protocol != bc::ProtocolId::Clear) {
    // At least the protocol's minimum: rep3 runs a program that names two
    // parties with a third, helper party that holds no data.
    const bc::ProtocolInfo &pi = bc::info(protocol);
    const uint32_t n = req.parties ? req.parties : std::max(req.program.minParties, pi.minParties);
    if (!req.parties && n > pi.maxParties) {
      printError("the program's inputs and outputs name " + std::to_string(n) + " parties; " +
                 std::string(pi.name) + " runs with at most " + std::to_string(pi.maxParties));
      return kExitUsage;
    }
    if (std::string why = bc::checkParties(protocol, n, "--parties"); !why.empty()) {
      printError(why);
      return kExitUsage;
    }
    req.parties = n;
  }
  try {
    req.inputs = data::loadInputs(req.program, req.inputFiles, {}, &cache);
  } catch (const data::DataError &e) {
    printError(e.what());
    return kExitFail;
  }
  if (req.protocol != "clear") return early ? early->run(req) : runLocalCluster(req);
  vm::ClearProtocol proto(req.parties ? req.parties : req.program.minParties);
  std::vector<vm::OutputValue> outs;
  try {
    vm::RunOptions ro;
    ro.maxSteps = req.maxSteps;
    ro.allowOverflow = allowOverflow;
    ro.warn = [](const std::string &m) { std::cerr << "smpc: warning: " << m << "\n"; };
    outs = vm::run(req.program, proto, req.inputs, ro);
  } catch (const vm::RuntimeError &e) {
    printError(e.what());
    return kExitFail;
  } catch (const vm::ProtocolError &e) {
    printError(e.what());
    return kExitFail;
  }
  std::cout << data::formatOutputsText(outs, req.program.fracBits);
  if (!req.outputJson.empty()) {
    std::ofstream f(req.outputJson);
    f << data::outputsJson(outs, req.program.fracBits).dump(2) << "\n";
    if (!f) {
      printError("cannot write '" + req.outputJson + "'");
      return kExitFail;
    }
  }
  if (req.stats) printStats(proto.stats());
  return kExitOk;
}

} // namespace smpc::cli

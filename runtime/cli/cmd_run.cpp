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
#include "vm/core/errors.h"
#include "vm/protocols/clear/clear.h"

#include <fstream>
#include <iostream>

namespace smpc::cli {

namespace {

void printStats(const vm::ProtocolStats &s) {
  std::cerr << "stats: rounds " << s.rounds << ", bytes sent " << s.bytesSent << ", received "
            << s.bytesReceived << ", triples " << s.triples << ", matrix triple elements "
            << s.matTripleElems << ", truncations " << s.truncPairs << ", ltz " << s.ltz << ", eqz "
            << s.eqz << "\n";
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
  addProtocolOption(t, req.protocol);
  addInputOption(t, req.inputFiles,
                 "data for input NAME (CSV, or JSON if FILE ends in .json); repeat per input");
  addOutputJsonOption(t, req.outputJson, "also write the outputs as a JSON object to FILE");
  addSourceOptions(t, lo.source);
  addPartiesOption(t, req.parties, "number of parties (default: the program's minimum)");
  addPreprocessingOption(t, req.preprocessing, "where semi2k gets its triples (default dealer)");
  addMaxStepsOption(t, req.maxSteps);
  addStatsOption(t, req.stats);
  if (auto rc = t.parse(args)) return *rc;

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
  try {
    req.inputs = data::loadInputs(req.program, req.inputFiles, {}, &cache);
  } catch (const data::DataError &e) {
    printError(e.what());
    return kExitFail;
  }
  if (req.protocol != "clear") return runLocalCluster(req);
  vm::ClearProtocol proto(req.parties ? req.parties : req.program.minParties);
  std::vector<vm::OutputValue> outs;
  try {
    vm::RunOptions ro;
    ro.maxSteps = req.maxSteps;
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

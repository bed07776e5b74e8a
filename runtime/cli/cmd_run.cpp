//===- cmd_run.cpp - `smpc run`: load, bind inputs, run, print outputs ----===//
//
// Everything the user can get wrong (arguments, program, input data) is
// checked before the program starts. `clear` runs in this process; other
// protocols go to the local cluster (cluster_hook.h) when it is built.
//===----------------------------------------------------------------------===//
#include "runtime/cli/cluster_hook.h"
#include "runtime/cli/commands.h"
#include "runtime/data/inputs.h"
#include "runtime/data/outputs.h"
#include "vm/core/errors.h"
#include "vm/protocols/clear/clear.h"

#include <charconv>
#include <fstream>
#include <iostream>

namespace smpc::cli {

namespace {

const char *kUsage =
    "usage: smpc run PROG.smpc|PROG.smpcb [options]\n"
    "  --protocol clear|semi2k   protocol (default clear: plaintext reference)\n"
    "  --input NAME=FILE         data for input NAME (CSV or .json); repeat per input\n"
    "  --output-json FILE        also write the outputs as a JSON object\n"
    "  -D NAME=VALUE             set a compile-time parameter (.smpc only)\n"
    "  -I DIR                    add an import directory (.smpc only)\n"
    "  -O0                       compile without optimisation (.smpc only)\n"
    "  --parties N               number of parties (default: the program's minimum)\n"
    "  --preprocessing dealer|ot where semi2k gets its triples (default dealer)\n"
    "  --max-steps N             stop after N instructions\n"
    "  --stats                   print rounds, bytes and preprocessing use to stderr\n";

bool parseUint(const std::string &s, uint64_t &v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

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
  std::string path;
  auto value = [&](size_t &i, const std::string &opt, std::string &out) {
    if (i + 1 >= args.size()) {
      printError(opt + " needs a value");
      return false;
    }
    out = args[++i];
    return true;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    std::string v;
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return kExitOk;
    } else if (a == "--protocol") {
      if (!value(i, a, req.protocol)) return kExitUsage;
    } else if (a == "--input") {
      if (!value(i, a, v)) return kExitUsage;
      try {
        auto [name, file] = data::parseInputArg(v);
        if (!req.inputFiles.emplace(name, file).second) {
          printError("input '" + name + "' is given twice");
          return kExitUsage;
        }
      } catch (const data::DataError &e) {
        printError(e.what());
        return kExitUsage;
      }
    } else if (a == "--output-json") {
      if (!value(i, a, req.outputJson)) return kExitUsage;
    } else if (a == "-D" || (a.rfind("-D", 0) == 0 && a.size() > 2)) {
      if (a == "-D" && !value(i, a, v)) return kExitUsage;
      if (!parseDefine(a == "-D" ? v : a.substr(2), lo.defines)) return kExitUsage;
    } else if (a == "-I") {
      if (!value(i, a, v)) return kExitUsage;
      lo.importPaths.push_back(v);
    } else if (a == "-O0" || a == "-O2") {
      lo.optLevel = a == "-O0" ? 0 : 2;
    } else if (a == "--parties" || a == "--max-steps") {
      uint64_t n = 0;
      if (!value(i, a, v)) return kExitUsage;
      if (!parseUint(v, n) || (a == "--parties" && (n < 1 || n > 1024))) {
        printError(a + " takes a positive integer, got '" + v + "'");
        return kExitUsage;
      }
      if (a == "--parties")
        req.parties = uint32_t(n);
      else
        req.maxSteps = n;
    } else if (a == "--preprocessing") {
      if (!value(i, a, req.preprocessing)) return kExitUsage;
      if (req.preprocessing != "dealer" && req.preprocessing != "ot") {
        printError("--preprocessing is dealer or ot, got '" + req.preprocessing + "'");
        return kExitUsage;
      }
    } else if (a == "--stats") {
      req.stats = true;
    } else if (!a.empty() && a[0] == '-') {
      printError("unknown option '" + a + "' for `smpc run` (see smpc run --help)");
      return kExitUsage;
    } else if (path.empty()) {
      path = a;
    } else {
      printError("`smpc run` takes one program, got '" + path + "' and '" + a + "'");
      return kExitUsage;
    }
  }
  if (path.empty()) {
    printError("`smpc run` needs a program: smpc run PROG.smpc --input NAME=FILE ...");
    return kExitUsage;
  }
  if (req.protocol != "clear" && req.protocol != "semi2k") {
    printError("unknown protocol '" + req.protocol + "' (clear or semi2k)");
    return kExitUsage;
  }
#ifndef SMPC_HAVE_CLUSTER
  if (req.protocol != "clear") {
    printError("protocol '" + req.protocol +
               "' is not available in this build of smpc (the local cluster is not built); use "
               "--protocol clear");
    return kExitUsage;
  }
#endif
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
    req.inputs = data::loadInputs(req.program, req.inputFiles);
  } catch (const data::DataError &e) {
    printError(e.what());
    return kExitFail;
  }
#ifdef SMPC_HAVE_CLUSTER
  if (req.protocol != "clear") return runLocalCluster(req);
#endif
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

//===- cmd_share.cpp - `smpc share`: upload a data file as secret shares --===//
#include "runtime/cli/client_cli.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"

#include <iostream>

namespace smpc::cli {

int cmdShare(const std::vector<std::string> &args) {
  ClientArgs a;
  std::string file, name, type = "sfix", layout = "auto";
  uint64_t frac = 16;
  bool quiet = false;
  OptionTable t = commandOptions("share", "FILE --as NAME --cluster cluster.json");
  t.operand("FILE", "a data file", "CSV (or .json) data to share; checked before anything is sent",
            file);
  t.text("as", "NAME", "the dataset's name on the nodes", name).required();
  t.choice("type", "element type of the values (default sfix)", type, {"sfix", "sint", "sbool"});
  t.number("frac-bits", "F", "fixed-point fraction bits of sfix values (default 16)", frac, 1, 30);
  t.choice("layout", "how to read the file: one column or one line is a vector (default auto)",
           layout, {"auto", "scalar", "vector", "matrix"});
  t.flag("quiet", "no progress on stderr", quiet);
  addClientOptions(t, a);
  if (auto rc = t.parse(args)) return *rc;
  try {
    client::UploadOptions o;
    o.elem = type == "sint"    ? bc::ElemType::Int
             : type == "sbool" ? bc::ElemType::Bool
                               : bc::ElemType::Fix;
    o.fracBits = uint8_t(frac);
    o.layout = layout;
    uint64_t lastPct = 0;
    if (!quiet && !a.json)
      o.progress = [&](uint64_t done, uint64_t total) {
        uint64_t pct = total ? done * 100 / total : 100;
        if (total > 1000000 && pct / 10 != lastPct / 10)
          std::cerr << ("share: " + std::to_string(pct) + "% (" + std::to_string(done) + " of " +
                        std::to_string(total) + " values)\n");
        lastPct = pct;
      };
    auto c = connectClient(a);
    auto r = c.share(file, name, o);
    nlohmann::json j = {{"ok", true},          {"dataset", r.name},  {"upload", r.id},
                        {"shape", r.shape},    {"values", r.values}, {"seconds", r.seconds},
                        {"nodes", c.parties()}};
    printResult(a, j,
                "shared " + file + " as dataset '" + r.name + "' (" + r.shape + ", " +
                    std::to_string(r.values) + " values) on " + std::to_string(c.parties()) +
                    " nodes\n");
  } catch (const std::exception &e) {
    return clientFailure(a, e);
  }
  return kExitOk;
}

} // namespace smpc::cli

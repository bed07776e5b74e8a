//===- cmd_submit.cpp - `smpc submit`: run an approved program on datasets ===//
#include "runtime/cli/client_cli.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"

#include <iostream>

namespace smpc::cli {

using nlohmann::json;

int printJobOutcome(const ClientArgs &a, client::Client &c, const std::string &id,
                    const std::vector<client::JobView> &views, bool keep,
                    const std::string &outputJson);

int cmdSubmit(const std::vector<std::string> &args) {
  ClientArgs a;
  SourceOptions src;
  std::string prog, protocol = "semi2k", outputJson;
  client::JobRequest req;
  bool wait = false, stats = false, keep = false;
  OptionTable t = commandOptions("submit", "PROG --cluster cluster.json --bind INPUT=DATASET ...");
  t.operand("PROG", "a program", "the program (.smpc, compiled here, or .smpcb)", prog);
  addSourceOptions(t, src);
  t.repeated("bind", "INPUT=DATASET", "bind a program input to a dataset; repeat",
             [&](const std::string &v) {
               auto [in, ds] = parseAssignment(v, "--bind");
               if (!req.bindings.emplace(in, ds).second)
                 throw UsageError("input '" + in + "' is bound twice");
             });
  t.repeated("store", "OUTPUT=NAME", "keep OUTPUT as a new secret-shared dataset NAME; repeat",
             [&](const std::string &v) {
               auto [out, name] = parseAssignment(v, "--store");
               req.store[out] = name;
             });
  t.repeated("to", "OUTPUT=KEY[,KEY...]",
             "send OUTPUT to these client public keys (default: this client); repeat",
             [&](const std::string &v) {
               auto [out, keys] = parseAssignment(v, "--to");
               std::size_t start = 0;
               for (;;) {
                 auto comma = keys.find(',', start);
                 req.to[out].push_back(keys.substr(start, comma - start));
                 if (comma == std::string::npos) break;
                 start = comma + 1;
               }
             });
  addProtocolOption(t, protocol, "the protocol the job runs under (default semi2k)",
                    /*withClear=*/false);
  t.flag("wait", "wait for the job, show its progress, then print the outputs for this client",
         wait);
  t.flag("keep", "with --wait: leave the outputs on the nodes (smpc result fetches them again)",
         keep);
  addStatsOption(t, stats);
  addOutputJsonOption(t, outputJson, "with --wait: also write the outputs as JSON to FILE");
  addClientOptions(t, a);
  if (auto rc = t.parse(args)) return *rc;
  try {
    auto c = connectClient(a);
    auto p = programForJob(prog, src, req.bindings, c);
    if (!p) return kExitFail;
    req.bytecode = p->bytecode;
    req.protocol = protocol;
    req.stats = stats;
    const std::string id = c.submit(p->program, req);
    if (!wait) {
      printResult(a, {{"ok", true}, {"job", id}, {"state", "proposed"}}, "job " + id + "\n");
      return kExitOk;
    }
    if (!a.json) std::cerr << ("job " + id + " submitted\n");
    auto views = c.wait(id, [&](const client::JobView &v) {
      if (a.json) return;
      std::string line = "job " + id + ": " + v.value("state", "?");
      if (v.value("state", "") == "running" && v.contains("rounds_done"))
        line += " (round " + std::to_string(v.value("rounds_done", 0)) + " of about " +
                std::to_string(v.value("rounds_predicted", 0)) + ")";
      if (v.value("party", 0) == 0) std::cerr << line + "\n";
    });
    return printJobOutcome(a, c, id, views, keep, outputJson);
  } catch (const std::exception &e) {
    return clientFailure(a, e);
  }
}

} // namespace smpc::cli

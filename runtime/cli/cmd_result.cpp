//===- cmd_result.cpp - `smpc result`: fetch and reconstruct a job's outputs
#include "runtime/cli/client_cli.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"
#include "runtime/data/outputs.h"

#include <fstream>
#include <iostream>

namespace smpc::cli {

using nlohmann::json;

/// Prints the end of a job: its outputs for this client (done), or the
/// reason it ended otherwise. Shared by `smpc submit --wait` and `smpc result`.
int printJobOutcome(const ClientArgs &a, client::Client &c, const std::string &id,
                    const std::vector<client::JobView> &views, bool keep,
                    const std::string &outputJson) {
  const client::JobView &v = views.at(0);
  const std::string state = v.value("state", "");
  json j = {{"job", id}, {"state", state}};
  if (state != "done") {
    std::string err = client::nodeText(v, "error", "the job " + state);
    j["ok"] = false;
    j["error"] = err;
    if (a.json) std::cout << j.dump(2) << "\n";
    printError("job " + id + " " + state + ": " + err);
    return kExitFail;
  }
  client::Outputs out;
  bool none = false;
  try {
    out = c.result(id, keep);
  } catch (const client::ClientError &e) {
    if (e.code != "not_found") throw;
    none = true; // every output went to other clients or into datasets
  }
  j["ok"] = true;
  j["outputs"] = none ? json::object() : data::outputsJson(out.values, out.fracBits);
  if (v.contains("stats")) {
    j["stats"] = json::array();
    for (const auto &pv : views)
      if (pv.contains("stats")) j["stats"].push_back(pv["stats"]);
  }
  if (!outputJson.empty()) {
    std::ofstream f(outputJson);
    f << j["outputs"].dump(2) << "\n";
    if (!f) throw std::runtime_error("cannot write '" + outputJson + "'");
  }
  std::string text = none ? "job " + id + " done; it has no outputs for this client\n"
                          : data::formatOutputsText(out.values, out.fracBits);
  printResult(a, j, text);
  if (!a.json && v.contains("stats"))
    for (const auto &pv : views)
      if (pv.contains("stats")) {
        const json &s = pv["stats"];
        std::cerr << ("stats (party " + std::to_string(pv.value("party", 0)) + "): rounds " +
                      std::to_string(s.value("rounds", 0)) + ", bytes sent " +
                      std::to_string(s.value("bytes_sent", 0)) + ", online " +
                      std::to_string(s.value("online_seconds", 0.0)) + " s, pool waits " +
                      std::to_string(s.value("pool_waits", 0)) + "\n");
      }
  return kExitOk;
}

int cmdResult(const std::vector<std::string> &args) {
  ClientArgs a;
  std::string id, outputJson;
  bool keep = false, wait = false;
  OptionTable t = commandOptions("result", "JOB --cluster cluster.json");
  t.operand("JOB", "a job id", "the job (as smpc submit printed it)", id);
  t.flag("wait", "wait for the job to finish first", wait);
  t.flag("keep", "leave the outputs on the nodes (default: deleted once fetched)", keep);
  addOutputJsonOption(t, outputJson, "also write the outputs as JSON to FILE");
  addClientOptions(t, a);
  if (auto rc = t.parse(args)) return *rc;
  try {
    auto c = connectClient(a);
    std::vector<client::JobView> views;
    if (wait) {
      views = c.wait(id);
    } else {
      // Party 0 first: a job that did not finish there has no outputs anywhere.
      for (uint32_t p = 0; p < c.parties(); ++p) {
        views.push_back(c.job(id, p));
        const std::string s = views.back().value("state", "");
        if (s == "failed" || s == "cancelled" || s == "refused") break;
        if (s != "done") {
          printError("job " + id + " is " + s + " on party " + std::to_string(p) +
                     "; wait for it (smpc result --wait)");
          return kExitFail;
        }
      }
    }
    return printJobOutcome(a, c, id, views, keep, outputJson);
  } catch (const std::exception &e) {
    return clientFailure(a, e);
  }
}

} // namespace smpc::cli

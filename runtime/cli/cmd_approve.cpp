//===- cmd_approve.cpp - `smpc approve`: an admin approves a program ------===//
#include "runtime/cli/client_cli.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"

#include <iostream>

namespace smpc::cli {

using nlohmann::json;

int cmdApprove(const std::vector<std::string> &args) {
  ClientArgs a;
  SourceOptions src;
  std::string prog;
  std::map<std::string, std::string> bindings; // input -> dataset, for parameter sizes
  json rules = {{"inputs", json::object()}, {"outputs", json::object()}};
  std::vector<uint32_t> nodes;
  auto inputRule = [&](const std::string &input) -> json & {
    json &r = rules["inputs"][input];
    if (r.is_null()) r = {{"datasets", json::array()}, {"owners", json::array()}};
    return r;
  };
  auto outputRule = [&](const std::string &output) -> json & {
    json &r = rules["outputs"][output];
    if (r.is_null()) r = {{"to", json::array()}, {"store", false}};
    return r;
  };
  OptionTable t = commandOptions("approve", "PROG --cluster cluster.json [rules]");
  t.operand("PROG", "a program", "the program (.smpc, compiled here, or .smpcb)", prog);
  addSourceOptions(t, src);
  t.repeated("input", "INPUT=DATASET",
             "input INPUT may read dataset DATASET (its shape also sizes the program); repeat",
             [&](const std::string &v) {
               auto [in, ds] = parseAssignment(v, "--input");
               inputRule(in)["datasets"].push_back(ds);
               bindings.emplace(in, ds);
             });
  t.repeated("input-owner", "INPUT=CLIENT",
             "input INPUT may read any dataset uploaded by CLIENT (a name of the node's\n"
             "configuration or a public key; * = anyone); repeat",
             [&](const std::string &v) {
               auto [in, who] = parseAssignment(v, "--input-owner");
               inputRule(in)["owners"].push_back(who);
             });
  t.repeated("output", "OUTPUT=CLIENT[,CLIENT...]",
             "OUTPUT may be sent to these clients (names or keys; * = any); repeat",
             [&](const std::string &v) {
               auto [out, who] = parseAssignment(v, "--output");
               std::size_t start = 0;
               for (;;) {
                 auto comma = who.find(',', start);
                 outputRule(out)["to"].push_back(who.substr(start, comma - start));
                 if (comma == std::string::npos) break;
                 start = comma + 1;
               }
             });
  t.repeated("store-output", "OUTPUT", "OUTPUT may be kept as a new dataset (--store); repeat",
             [&](const std::string &v) { outputRule(v)["store"] = true; });
  t.repeated("node", "I", "approve on node I only (default: every node); repeat",
             [&](const std::string &v) {
               char *end = nullptr;
               unsigned long n = std::strtoul(v.c_str(), &end, 10);
               if (v.empty() || *end || n > 63)
                 throw UsageError("--node takes a party id, got '" + v + "'");
               nodes.push_back(uint32_t(n));
             });
  addClientOptions(t, a);
  if (auto rc = t.parse(args)) return *rc;
  try {
    auto c = connectClient(a);
    auto p = programForJob(prog, src, bindings, c);
    if (!p) return kExitFail;
    if (nodes.empty())
      for (uint32_t i = 0; i < c.parties(); ++i)
        nodes.push_back(i);
    for (uint32_t n : nodes)
      if (n >= c.parties())
        throw UsageError("--node " + std::to_string(n) + " is not in the cluster");
    auto replies = c.approve(p->bytecode, prog, rules, nodes);
    const std::string hash = replies.at(0).value("hash", "");
    json j = {{"ok", true}, {"hash", hash}, {"nodes", nodes}, {"rules", replies.at(0)["rules"]}};
    std::string nodesText;
    for (uint32_t n : nodes)
      nodesText += (nodesText.empty() ? "" : ", ") + std::to_string(n);
    printResult(a, j,
                "approved program " + hash + " (" + prog + ") on node(s) " + nodesText + "\n");
  } catch (const UsageError &e) {
    printError(e.what());
    return kExitUsage;
  } catch (const std::exception &e) {
    return clientFailure(a, e);
  }
  return kExitOk;
}

} // namespace smpc::cli

//===- cmd_jobs.cpp - `smpc jobs`, `smpc datasets`, `smpc drop`, `smpc cancel`
#include "runtime/cli/client_cli.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"

#include <iostream>

namespace smpc::cli {

using nlohmann::json;

namespace {

std::string pad(std::string s, std::size_t n) {
  if (s.size() < n) s.resize(n, ' ');
  return s;
}

} // namespace

int cmdJobs(const std::vector<std::string> &args) {
  ClientArgs a;
  uint64_t node = 0, limit = 20;
  OptionTable t = commandOptions("jobs", "--cluster cluster.json");
  t.number("node", "I", "ask node I (default 0)", node, 0, 63);
  t.number("limit", "N", "at most N jobs, newest first (default 20)", limit, 1, 1000);
  addClientOptions(t, a);
  if (auto rc = t.parse(args)) return *rc;
  try {
    auto c = connectClient(a);
    json list = c.jobs(uint32_t(node), int(limit));
    std::string text = pad("JOB", 18) + pad("STATE", 11) + pad("PROGRAM", 14) + "ERROR\n";
    for (const auto &j : list)
      text += pad(j.value("job", ""), 18) + pad(j.value("state", ""), 11) +
              pad(client::nodeText(j, "program", "").substr(0, 12), 14) +
              client::nodeText(j, "error", "") + "\n";
    printResult(a, {{"ok", true}, {"jobs", list}}, text);
  } catch (const std::exception &e) {
    return clientFailure(a, e);
  }
  return kExitOk;
}

int cmdDatasets(const std::vector<std::string> &args) {
  ClientArgs a;
  uint64_t node = 0;
  OptionTable t = commandOptions("datasets", "--cluster cluster.json");
  t.number("node", "I", "ask node I (default 0)", node, 0, 63);
  addClientOptions(t, a);
  if (auto rc = t.parse(args)) return *rc;
  try {
    auto c = connectClient(a);
    json list = c.datasets(uint32_t(node));
    std::string text = pad("NAME", 24) + pad("TYPE", 18) + pad("OWNER", 16) + "STATE\n";
    for (const auto &d : list)
      text += pad(d.value("name", ""), 24) + pad(d["shape"].value("text", ""), 18) +
              pad(d.value("owner", ""), 16) + d.value("state", "") + "\n";
    printResult(a, {{"ok", true}, {"datasets", list}}, text);
  } catch (const std::exception &e) {
    return clientFailure(a, e);
  }
  return kExitOk;
}

int cmdDrop(const std::vector<std::string> &args) {
  ClientArgs a;
  std::string name;
  OptionTable t = commandOptions("drop", "DATASET --cluster cluster.json");
  t.operand("DATASET", "a dataset name", "the dataset to delete from every node", name);
  addClientOptions(t, a);
  if (auto rc = t.parse(args)) return *rc;
  try {
    auto c = connectClient(a);
    c.drop(name);
    printResult(a, {{"ok", true}, {"dataset", name}}, "dropped dataset '" + name + "'\n");
  } catch (const std::exception &e) {
    return clientFailure(a, e);
  }
  return kExitOk;
}

int cmdCancel(const std::vector<std::string> &args) {
  ClientArgs a;
  std::string id;
  OptionTable t = commandOptions("cancel", "JOB --cluster cluster.json");
  t.operand("JOB", "a job id", "the job to cancel (its submitter or an admin)", id);
  addClientOptions(t, a);
  if (auto rc = t.parse(args)) return *rc;
  try {
    auto c = connectClient(a);
    c.cancel(id);
    printResult(a, {{"ok", true}, {"job", id}, {"state", "cancelled"}},
                "cancelled job " + id + "\n");
  } catch (const std::exception &e) {
    return clientFailure(a, e);
  }
  return kExitOk;
}

} // namespace smpc::cli

//===- client_cli.cpp - shared options and program loading of client commands
#include "runtime/cli/client_cli.h"

#include "compiler/api.h"
#include "runtime/cli/load_program.h"
#include "vm/bytecode/serialize.h"

#include <iostream>
#include <sstream>

namespace smpc::cli {

using nlohmann::json;

void addClientOptions(OptionTable &t, ClientArgs &a) {
  t.text("cluster", "FILE",
         "the client's cluster file (node endpoints and keys; smpc cluster init)", a.cluster)
      .required();
  addKeyOption(t, a.key, "this client's secret key (default: the cluster file's \"key\")");
  addJsonOption(t, a.json);
  t.number("timeout", "SECONDS", "how long to wait for a node's answer (default 30)", a.timeoutS, 1,
           86400);
}

client::Client connectClient(const ClientArgs &a) {
  return client::Client(client::loadClusterFile(a.cluster), a.key,
                        std::chrono::seconds(a.timeoutS));
}

int clientFailure(const ClientArgs &a, const std::exception &e) {
  printError(e.what());
  if (a.json) {
    json j = {{"ok", false}, {"error", e.what()}};
    if (auto *ce = dynamic_cast<const client::ClientError *>(&e); ce && !ce->code.empty())
      j["code"] = ce->code;
    std::cout << j.dump(2) << "\n";
  }
  return kExitFail;
}

void printResult(const ClientArgs &a, const json &j, const std::string &text) {
  if (a.json)
    std::cout << j.dump(2) << "\n";
  else
    std::cout << text << std::flush;
}

std::pair<std::string, std::string> parseAssignment(const std::string &arg,
                                                    const std::string &option) {
  auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
    throw UsageError(option + " takes NAME=VALUE, got '" + arg + "'");
  return {arg.substr(0, eq), arg.substr(eq + 1)};
}

std::optional<JobProgram> programForJob(const std::string &path, const SourceOptions &src,
                                        const std::map<std::string, std::string> &bindings,
                                        client::Client &c) {
  JobProgram out;
  const bool source = path.size() >= 5 && path.compare(path.size() - 5, 5, ".smpc") == 0;
  if (!source) {
    try {
      out.program = readProgramFile(path);
    } catch (const std::exception &e) {
      printError(e.what());
      return std::nullopt;
    }
    out.bytecode = bc::writeProgram(out.program);
    return out;
  }
  std::string text, why;
  if (!readSmallFile(path, text, why)) {
    printError("cannot read '" + path + "': it " + why);
    return std::nullopt;
  }
  compiler::Options copts;
  copts.defines = src.defines;
  copts.optLevel = src.optLevel;
  copts.importPaths = src.importPaths;
  if (src.fracBits) copts.fracBits = *src.fracBits;
  auto sigs = compiler::inspectInputs(path, text, copts, std::cerr);
  if (!sigs) return std::nullopt;
  // Shapes of the bound datasets, as party 0 lists them.
  std::map<std::string, json> shapes;
  bool needShapes = false;
  for (const auto &sig : *sigs)
    for (const auto &p : sig.dimParams)
      needShapes =
          needShapes || (!p.empty() && !copts.defines.count(p) && bindings.count(sig.name));
  if (needShapes)
    for (const auto &d : c.datasets(0))
      shapes[d["name"].get<std::string>()] = d["shape"];
  std::map<std::string, std::pair<int64_t, std::string>> inferred;
  for (const auto &sig : *sigs) {
    auto b = bindings.find(sig.name);
    if (b == bindings.end()) continue;
    auto s = shapes.find(b->second);
    for (size_t k = 0; k < sig.dimParams.size(); ++k) {
      const std::string &p = sig.dimParams[k];
      if (p.empty() || copts.defines.count(p)) continue;
      if (s == shapes.end()) {
        printError("dataset '" + b->second + "' (bound to input '" + sig.name +
                   "') does not exist on party 0, so parameter '" + p +
                   "' cannot take its size; upload it or set it with -D " + p + "=...");
        return std::nullopt;
      }
      const int64_t v = k == 0 ? s->second.value("rows", 0) : s->second.value("cols", 0);
      const std::string from = "dataset '" + b->second + "'";
      auto [it, fresh] = inferred.try_emplace(p, v, from);
      if (!fresh && it->second.first != v) {
        printError("parameter '" + p + "' is " + std::to_string(it->second.first) + " from " +
                   it->second.second + " but " + std::to_string(v) + " from " + from +
                   "; fix the bindings or set it with -D " + p + "=...");
        return std::nullopt;
      }
    }
  }
  for (const auto &[p, v] : inferred)
    copts.defines[p] = v.first;
  auto res = compiler::compile(path, text, copts, std::cerr);
  if (!res) return std::nullopt;
  std::string err = bc::verifyProgram(res->program);
  if (!err.empty()) {
    printError(path + ": the compiler produced invalid bytecode: " + err);
    return std::nullopt;
  }
  out.program = std::move(res->program);
  out.bytecode = bc::writeProgram(out.program);
  return out;
}

} // namespace smpc::cli

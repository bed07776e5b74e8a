//===- job_spec.h - what a submitter asks a node to run -------------------===//
//
// The program travels as bytecode next to this; the spec binds each input
// to a dataset by name and says where each output goes: to client keys
// (reconstructed only on those clients) or into a new dataset (--store).
// The protocol is a parameter of the job (runtime/node/protocols.h).
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace smpc::node {

struct OutputRoute {
  std::vector<std::string> to; // Z85 client keys
  std::string store;           // non-empty: store as a new dataset of this name
};

struct JobSpec {
  std::string id; // random hex from the client, the same on every node
  std::string protocol = "semi2k";
  std::map<std::string, std::string> bindings; // input -> dataset name
  std::map<std::string, OutputRoute> outputs;  // output -> route
  bool stats = false;
};

/// Throws std::runtime_error with a message naming the bad field.
JobSpec jobSpecFromJson(const nlohmann::json &j);
nlohmann::json jobSpecToJson(const JobSpec &s);

/// A job id is 8..64 characters of [0-9a-z-].
bool validJobId(const std::string &id);
/// Dataset names: 1..128 characters of [A-Za-z0-9_.-].
bool validDatasetName(const std::string &name);

} // namespace smpc::node

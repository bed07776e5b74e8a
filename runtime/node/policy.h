//===- policy.h - approvals: which programs, datasets and recipients ------===//
//
// An admin approves a program by the hash of its bytecode, with rules: for
// each input, the datasets (by name) or dataset owners it may be bound to;
// for each output, the client keys that may receive it and whether it may be
// stored as a dataset. A job runs on a node only if it passes that node's
// rules; the reason for a refusal names the rule, never data.
//
// Rules JSON (names of clients are resolved to keys when approving):
//   {"inputs":  {"a": {"datasets": ["payroll_a"], "owners": ["<Z85 key>"]}},
//    "outputs": {"mean": {"to": ["<Z85 key>" | "*"], "store": false}}}
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/node/config.h"
#include "runtime/node/job_spec.h"
#include "runtime/store/store.h"
#include "vm/bytecode/program.h"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace smpc::node {

/// Checks and normalises rules given by an admin for `prog`: every name must
/// be an input/output of the program, client names become keys. Throws
/// std::runtime_error with a message for the admin.
nlohmann::json normaliseRules(const nlohmann::json &rules, const bc::Program &prog,
                              const NodeConfig &cfg);

/// Checks a job against this node's approval, datasets and limits. Returns
/// the refusal reason (one sentence), or nullopt when the job may run; then
/// `bound` holds the dataset of each input.
std::optional<std::string> checkJob(const NodeConfig &cfg, store::Store &st,
                                    const std::string &programHash, const bc::Program &prog,
                                    const JobSpec &spec,
                                    std::map<std::string, store::Dataset> &bound);

/// The type and shape a program input or output has, as a dataset shape.
store::Shape shapeOf(const bc::IoEntry &e, uint8_t fracBits);

/// "client 'alice'" for a pinned key, else "client <first 8 Z85 chars>...".
std::string clientLabel(const NodeConfig &cfg, const std::string &z85);

} // namespace smpc::node

//===- workers.cpp - what the node does for its own NATS workers ----------===//
//
// With `--nats`, a job the cluster started is queued for this party's
// workers (jobs.cpp, awaitWorker). The worker that takes it authenticates
// with this node's key (role "worker") and asks here for the program and
// this node's input shares (once: a job never runs twice on the same
// shares), then reports its output shares or its failure. The job thread
// routes the outputs as if the node had run the job itself.
//
// worker_job    {job}                    -> {protocol, max_steps, program_bytes,
//                                            inputs: [{name, words}]} + bytecode, shares
// worker_done   {job, outputs: [{name, words}], stats, online_seconds} + shares
// worker_failed {job, reason}
//===----------------------------------------------------------------------===//
#include "runtime/data/stats_json.h"
#include "runtime/node/node_impl.h"
#include "runtime/node/policy.h"
#include "runtime/node/request_fields.h"
#include "vm/bytecode/serialize.h"

#include <cstring>
#include <sodium.h>

namespace smpc::node {

using nlohmann::json;

namespace {

uint64_t count(const json &o, const char *f) {
  auto it = o.find(f);
  if (it == o.end() || !it->is_number_unsigned())
    throw std::invalid_argument(std::string("field '") + f + "' must be a non-negative integer");
  return it->get<uint64_t>();
}

} // namespace

api::Message Node::Impl::onWorkerJob(const Caller &, api::Message &req) {
  const std::string id = jobId(req.header);
  std::shared_ptr<LiveJob> j;
  {
    std::lock_guard lk(mu);
    auto it = jobs.find(id);
    if (it == jobs.end() || it->second->state != JobState::Running || it->second->endAs)
      return refuse(api::code::kNotFound,
                    "job " + id + " is not running on " + me() + " (it ended or was cancelled)");
    j = it->second;
    if (j->workerFetched)
      return refuse(api::code::kRefused, "job " + id + " was already taken by a worker of " + me() +
                                             "; a job never runs twice");
    j->workerFetched = true;
  }
  auto inputs = loadInputs(*j);
  std::vector<uint8_t> bytecode = bc::writeProgram(j->prog);
  uint64_t words = 0;
  json list = json::array();
  for (const auto &[name, v] : inputs) {
    list.push_back({{"name", name}, {"words", v.size()}});
    words += v.size();
  }
  api::Message m = reply({{"job", id},
                          {"protocol", j->spec.protocol},
                          {"max_steps", cfg.maxSteps},
                          {"program_bytes", bytecode.size()},
                          {"inputs", list}});
  if (bytecode.size() + words * 8 > api::kMaxPayloadBytes) {
    for (auto &[n, v] : inputs)
      sodium_memzero(v.data(), v.size() * 8);
    return refuse(api::code::kFailed, "job " + id +
                                          "'s inputs are larger than a worker can fetch (" +
                                          std::to_string(api::kMaxPayloadBytes >> 20) +
                                          " MiB); run it on a node without --nats");
  }
  m.payload.resize(bytecode.size() + words * 8);
  std::memcpy(m.payload.data(), bytecode.data(), bytecode.size());
  std::size_t at = bytecode.size();
  for (auto &[n, v] : inputs) {
    std::memcpy(m.payload.data() + at, v.data(), v.size() * 8); // little-endian host
    at += v.size() * 8;
    sodium_memzero(v.data(), v.size() * 8);
  }
  log.info("job taken by a worker", {{"job", id}});
  return m;
}

api::Message Node::Impl::onWorkerDone(const Caller &, api::Message &req) {
  const std::string id = jobId(req.header);
  std::shared_ptr<LiveJob> j;
  {
    std::lock_guard lk(mu);
    auto it = jobs.find(id);
    if (it == jobs.end() || !it->second->workerFetched || it->second->state != JobState::Running)
      return refuse(api::code::kNotFound, "job " + id + " is not waiting for a worker on " + me() +
                                              " (it ended or was cancelled)");
    j = it->second;
  }
  // This node's share of every output, in output-table order, sized as the
  // program says.
  JobResult r;
  const json &outs = req.header.value("outputs", json::array());
  if (!outs.is_array() || outs.size() != j->prog.outputs.size())
    throw std::invalid_argument("field 'outputs' must list the program's " +
                                std::to_string(j->prog.outputs.size()) + " outputs");
  std::size_t at = 0;
  for (std::size_t i = 0; i < outs.size(); ++i) {
    const bc::IoEntry &e = j->prog.outputs[i];
    if (!outs[i].is_object() || outs[i].value("name", "") != e.name)
      throw std::invalid_argument("output " + std::to_string(i) + " must be '" + e.name + "'");
    const uint64_t words = count(outs[i], "words");
    if (words != shapeOf(e, j->prog.fracBits).size())
      throw std::invalid_argument("output '" + e.name + "' must have " +
                                  std::to_string(shapeOf(e, j->prog.fracBits).size()) + " words");
    if (at + words * 8 > req.payload.size())
      throw std::invalid_argument("the payload is shorter than the outputs");
    std::vector<uint64_t> share(words);
    std::memcpy(share.data(), req.payload.data() + at, words * 8);
    at += words * 8;
    r.outputs.emplace_back(e, std::move(share));
  }
  if (at != req.payload.size())
    throw std::invalid_argument("the payload is longer than the outputs");
  sodium_memzero(req.payload.data(), req.payload.size());
  const json &s = req.header.value("stats", json::object());
  r.stats = data::statsFromJson(s);
  r.onlineSeconds = req.header.value("online_seconds", 0.0);
  {
    std::lock_guard lk(mu);
    j->rounds = r.stats.rounds;
    j->workerResult = std::move(r);
    changed.notify_all();
  }
  return reply({{"job", id}});
}

api::Message Node::Impl::onWorkerFailed(const Caller &, api::Message &req) {
  const std::string id = jobId(req.header);
  auto it = req.header.find("reason");
  std::string reason = it != req.header.end() && it->is_string() ? it->get<std::string>() : "";
  if (reason.empty()) reason = "no reason given";
  if (reason.size() > 1000) reason.resize(1000);
  std::lock_guard lk(mu);
  auto jt = jobs.find(id);
  if (jt == jobs.end() || store::isTerminal(jt->second->state))
    return reply({{"job", id}}); // already ended (e.g. aborted by another party first)
  jt->second->workerError = reason;
  changed.notify_all();
  return reply({{"job", id}});
}

} // namespace smpc::node

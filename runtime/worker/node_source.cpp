//===- node_source.cpp - worker_job, worker_done, worker_failed -----------===//
#include "runtime/worker/node_source.h"

#include "runtime/data/stats_json.h"
#include "vm/bytecode/serialize.h"

#include <cstring>
#include <sodium.h>

namespace smpc::worker {

using nlohmann::json;

NodeSource::NodeSource(uint32_t party, const std::string &endpoint, const net::SecretKey &key,
                       std::chrono::milliseconds timeout) {
  client::NodeEndpoint ep;
  ep.party = party;
  ep.endpoint = endpoint;
  ep.publicKey = key.publicKey();
  conn_ = std::make_unique<client::Connection>(ep, key, timeout);
}

NodeSource::~NodeSource() = default;

JobInput NodeSource::fetch(const std::string &jobId) {
  api::Message req;
  req.header = {{"op", "worker_job"}, {"job", jobId}};
  api::Message r;
  {
    std::lock_guard lk(mu_);
    r = conn_->call(std::move(req));
  }
  JobInput in;
  try {
    const json &h = r.header;
    const uint64_t progBytes = h.value("program_bytes", uint64_t(0));
    if (progBytes > r.payload.size())
      throw std::runtime_error("the node sent a job whose program is cut short");
    std::string err;
    if (!bc::readProgram(std::span<const uint8_t>(r.payload.data(), progBytes), in.program, err))
      throw std::runtime_error("the node sent a program that does not load: " + err);
    in.protocol = h.value("protocol", std::string("semi2k"));
    in.maxSteps = h.value("max_steps", uint64_t(0));
    std::size_t at = progBytes;
    for (const json &e : h.value("inputs", json::array())) {
      const uint64_t words = e.value("words", uint64_t(0));
      if (words > (r.payload.size() - at) / 8)
        throw std::runtime_error("the node sent fewer input shares than it announced");
      auto &v = in.inputs[e.value("name", std::string())];
      v.resize(words);
      std::memcpy(v.data(), r.payload.data() + at, words * 8);
      at += words * 8;
    }
  } catch (...) {
    sodium_memzero(r.payload.data(), r.payload.size());
    for (auto &[name, v] : in.inputs)
      sodium_memzero(v.data(), v.size() * 8);
    throw;
  }
  sodium_memzero(r.payload.data(), r.payload.size());
  return in;
}

void NodeSource::finish(const std::string &jobId, node::JobResult &result) {
  api::Message req;
  json outs = json::array();
  std::size_t words = 0;
  for (const auto &[entry, share] : result.outputs) {
    outs.push_back({{"name", entry.name}, {"words", share.size()}});
    words += share.size();
  }
  const auto &s = result.stats;
  req.header = {{"op", "worker_done"},
                {"job", jobId},
                {"outputs", outs},
                {"stats", data::statsJson(s)},
                {"online_seconds", result.onlineSeconds}};
  req.payload.resize(words * 8);
  std::size_t at = 0;
  for (const auto &[entry, share] : result.outputs) {
    std::memcpy(req.payload.data() + at, share.data(), share.size() * 8);
    at += share.size() * 8;
  }
  std::lock_guard lk(mu_);
  conn_->call(std::move(req)); // call() wipes the payload once sent
}

void NodeSource::fail(const std::string &jobId, const std::string &reason) {
  std::lock_guard lk(mu_);
  conn_->call("worker_failed", {{"job", jobId}, {"reason", reason}});
}

} // namespace smpc::worker

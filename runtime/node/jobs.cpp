//===- jobs.cpp - a job's thread: load shares, run, keep the outputs ------===//
#include "runtime/data/stats_json.h"
#include "runtime/net/start_barrier.h"
#include "runtime/node/job_runner.h"
#include "runtime/node/node_impl.h"
#include "runtime/node/policy.h"
#include "runtime/node/protocols.h"
#include "runtime/preproc/pool/pool_estimate.h"

#include <ctime>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <sodium.h>

namespace smpc::node {

using nlohmann::json;

namespace {

void wipe(std::vector<uint64_t> &v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size() * sizeof(uint64_t));
}

/// Forwards to the job's online channel and counts messages from one peer:
/// one per round, the progress a submitter sees.
class Counting final : public vm::Channel {
public:
  Counting(vm::Channel &ch, std::atomic<uint64_t> &rounds)
      : ch_(ch), rounds_(rounds), watch_(ch.self() == 0 ? 1 : 0) {}
  uint32_t self() const override { return ch_.self(); }
  uint32_t parties() const override { return ch_.parties(); }
  void send(uint32_t to, std::span<const uint8_t> m) override { ch_.send(to, m); }
  void sendParts(uint32_t to, std::span<const std::span<const uint8_t>> parts) override {
    ch_.sendParts(to, parts);
  }
  std::vector<uint8_t> recv(uint32_t from) override {
    auto m = ch_.recv(from);
    if (from == watch_) ++rounds_;
    return m;
  }
  size_t recvInto(uint32_t from, const std::function<uint8_t *(size_t)> &sink) override {
    const size_t n = ch_.recvInto(from, sink);
    if (from == watch_) ++rounds_;
    return n;
  }
  uint64_t bytesSent() const override { return ch_.bytesSent(); }
  uint64_t bytesReceived() const override { return ch_.bytesReceived(); }

private:
  vm::Channel &ch_;
  std::atomic<uint64_t> &rounds_;
  uint32_t watch_;
};

json statsJson(const JobResult &r, const MaterialStats &m, const bc::Program &prog) {
  json pool = json::object();
  for (std::size_t k = 0; k < m.used.size(); ++k)
    pool[preproc::poolKindName(preproc::PoolKind(k))] = {{"reserved", m.fromPool[k]},
                                                         {"used", m.used[k]}};
  json j = data::statsJson(r.stats);
  j["online_seconds"] = r.onlineSeconds;
  j["pool_waits"] = m.onDemandCalls;
  j["from_stock"] = m.fromStock; // shaped requests served from the pool's stock
  j["reserve_wait_seconds"] = m.reserveWaitSeconds;
  j["pool"] = pool;
  j["predicted_rounds"] = prog.needs.rounds;
  return j;
}

} // namespace

void Node::Impl::launch(const std::shared_ptr<LiveJob> &j) {
  j->thread = std::thread([this, j] { runJobThread(j); });
}

std::map<std::string, std::vector<uint64_t>> Node::Impl::loadInputs(const LiveJob &j) {
  std::map<std::string, std::vector<uint64_t>> inputs;
  try {
    for (const auto &[input, ds] : j.bound) {
      auto &v = inputs[input];
      v.reserve(ds.shape.size());
      st->readShares(ds.id,
                     [&](std::span<const uint64_t> c) { v.insert(v.end(), c.begin(), c.end()); });
      if (v.size() != ds.shape.size())
        throw std::runtime_error("dataset '" + ds.name + "' is damaged on " + me() + " (it holds " +
                                 std::to_string(v.size()) + " of " +
                                 std::to_string(ds.shape.size()) + " shares)");
    }
  } catch (...) {
    for (auto &[n, v] : inputs)
      wipe(v);
    throw;
  }
  return inputs;
}

JobResult Node::Impl::awaitWorker(LiveJob &j) {
  {
    std::lock_guard qk(qmu);
    jobQueue->publish(j.id, json{{"job", j.id}}.dump());
  }
  log.info("job queued for a worker", {{"job", j.id}, {"queue", jobQueue->stream()}});
  std::unique_lock lk(mu);
  changed.wait(lk, [&] { return j.workerResult || !j.workerError.empty() || j.endAs || stopping; });
  if (j.workerResult) {
    JobResult r = std::move(*j.workerResult);
    j.workerResult.reset();
    return r;
  }
  if (j.endAs) throw std::runtime_error(j.error);
  if (!j.workerError.empty()) throw std::runtime_error("its worker failed: " + j.workerError);
  throw std::runtime_error(me() + " shut down");
}

void Node::Impl::runJobThread(const std::shared_ptr<LiveJob> &j) {
  std::map<std::string, std::vector<uint64_t>> inputs;
  MaterialStats material;
  bool ok = false;
  std::string error;
  // Only a protocol that consumes preprocessing material draws from the
  // node's pool (every node decides alike: the protocol is part of the job),
  // and only when the node runs the job itself: a worker makes its own.
  const auto protocol = nodeProtocol(j->spec.protocol); // checked when the job was accepted
  const bool pooled = !jobQueue && protocol && bc::info(*protocol).preprocessing;
  try {
    JobResult res;
    if (jobQueue) {
      res = awaitWorker(*j);
    } else {
      inputs = loadInputs(*j);
      std::unique_ptr<JobMaterial> pre;
      if (pooled) pre = pool->forJob(j->id, j->poolSession, j->programHash, j->prog, *j->preproc);
      // The online time starts when every node has its inputs and
      // material source ready (docs/running.md); not a round of the program.
      net::startTogether(*j->online);
      Counting online(*j->online, j->rounds);
      JobRun run;
      run.program = &j->prog;
      run.protocol = j->spec.protocol;
      run.inputs = &inputs;
      run.online = &online;
      run.background = j->preproc.get();
      run.pre = pre.get();
      run.maxSteps = cfg.maxSteps;
      res = runJob(run);
      if (pre) material = pre->stats();
      pre.reset();
    }
    {
      std::lock_guard lk(mu);
      if (j->endAs) throw std::runtime_error(j->error); // cancelled at the last moment
      j->finishing = true;
    }
    // Route each output: to its recipients (kept until they fetch it) or
    // into a new dataset.
    std::vector<store::Output> outs;
    std::vector<std::pair<store::Dataset, std::vector<uint64_t>>> stored;
    for (auto &[entry, share] : res.outputs) {
      const OutputRoute &route = j->spec.outputs.at(entry.name);
      const store::Shape shape = shapeOf(entry, j->prog.fracBits);
      if (!route.store.empty()) {
        store::Dataset d;
        d.id = j->id + "-" + entry.name;
        d.name = route.store;
        d.owner = j->submitter;
        d.ownerName = clientLabel(cfg, j->submitter);
        d.shape = shape;
        d.createdAt = std::time(nullptr);
        d.sourceJob = j->id;
        stored.emplace_back(d, share);
      } else {
        for (const std::string &to : route.to)
          outs.push_back({j->id, entry.name, to, shape, share});
      }
      wipe(share);
    }
    json stats = statsJson(res, material, j->prog);
    st->finishJob(j->id, outs, stored, stats.dump());
    for (auto &o : outs)
      wipe(o.shares);
    for (auto &s : stored)
      wipe(s.second);
    {
      std::lock_guard ck(cmu);
      counters.rounds += res.stats.rounds;
      counters.bytes += res.stats.bytesSent;
      ++counters.jobsRun;
    }
    {
      std::lock_guard lk(mu);
      j->state = JobState::Done;
      changed.notify_all();
    }
    log.info("job done", {{"job", j->id},
                          {"rounds", res.stats.rounds},
                          {"online_seconds", res.onlineSeconds},
                          {"pool_waits", material.onDemandCalls}});
    ok = true;
  } catch (const std::exception &e) {
    error = e.what();
  }
  for (auto &[n, v] : inputs)
    wipe(v);
  if (pooled) pool->jobDone(j->id, j->programHash, material, ok);
  bool tellPeers = false;
  JobState endAs = JobState::Failed;
  {
    std::lock_guard lk(mu);
    if (!ok) {
      // A remote abort or a cancel says how it ended; else it failed here.
      if (j->endAs) {
        endAs = *j->endAs;
        error = j->error;
      } else {
        tellPeers = true;
        error = me() + ": " + error;
      }
      setState(*j, endAs, error);
      rememberEnded(j->id, endAs, error);
    }
    j->online.reset();
    j->preproc.reset();
    if (leader()) {
      running.erase(j->id);
      startNext();
    }
  }
  if (tellPeers)
    broadcast({{"t", "abort"}, {"job", j->id}, {"state", "failed"}, {"reason", error}});
#ifdef __GLIBC__
  // The job's buffers are freed: give them back to the system, glibc's
  // arenas keep them otherwise (docs/node.md, "Memory").
  malloc_trim(0);
#endif
  j->threadDone = true; // housekeeping joins it
}

} // namespace smpc::node

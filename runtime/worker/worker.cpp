//===- worker.cpp - take a job, meet the other parties' workers, run it ---===//
#include "runtime/worker/worker.h"

#include "runtime/net/mesh.h"
#include "runtime/net/start_barrier.h"
#include "runtime/node/protocols.h"
#include "runtime/preproc/ot/ot_preprocessing.h"

#include <sodium.h>
#include <thread>

namespace smpc::worker {

namespace {

void wipe(std::vector<uint64_t> &v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size() * sizeof(uint64_t));
}

} // namespace

std::string clusterName(const net::ClusterConfig &peers) {
  queue::checkName("cluster name (the cluster file's job_id)", peers.jobId);
  return peers.jobId;
}

Worker::Worker(queue::Connection &conn, WorkerConfig cfg, JobSource &source)
    : conn_(conn), cfg_(std::move(cfg)), source_(source),
      queue_(conn, clusterName(cfg_.peers), cfg_.party) {
  if (cfg_.party >= cfg_.peers.numParties())
    throw std::runtime_error("party " + std::to_string(cfg_.party) + " is not in the cluster");
  if (cfg_.key.publicKey() != cfg_.peers.parties[cfg_.party].publicKey)
    throw std::runtime_error("the worker's key is not the key the cluster file pins for party " +
                             std::to_string(cfg_.party) + ": give the worker its node's key");
  if (cfg_.listen.empty() || cfg_.advertise.empty())
    throw std::runtime_error("a worker needs the endpoint its job meshes listen on and the one "
                             "it advertises to the other parties' workers");
}

Worker::~Worker() = default;

void Worker::say(const std::string &line) const {
  if (cfg_.log) cfg_.log(line);
}

bool Worker::runOne(std::chrono::milliseconds wait) {
  auto taken = queue_.take(wait);
  if (!taken) return false;
  runJob(taken->jobId);
  return true;
}

void Worker::run(const std::atomic<bool> &stop) {
  while (!stop) {
    try {
      runOne(std::chrono::milliseconds(500));
    } catch (const queue::QueueError &e) {
      // NATS unreachable for a moment: the client reconnects; try again.
      say(std::string("queue: ") + e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
}

void Worker::runJob(const std::string &jobId) {
  const uint32_t n = cfg_.peers.numParties();
  const std::string cluster = clusterName(cfg_.peers);
  std::string error;
  try {
    queue::JobBoard board(conn_, cluster, jobId);
    // The queue hands a job to one worker of the party; the claim also
    // holds if the job was ever published twice under another message id.
    if (!board.claim(cfg_.party, "worker", cfg_.name)) {
      say("job " + jobId + ": another worker of party " + std::to_string(cfg_.party) +
          " has it; not running it twice");
      return;
    }
    try {
      JobInput in = source_.fetch(jobId);
      board.put(cfg_.party, "endpoint", cfg_.advertise);
      auto endpoints = board.waitAll("endpoint", n, cfg_.meetTimeout);

      // The job's own mesh between the workers: the cluster's keys, the
      // workers' endpoints.
      net::ClusterConfig mc = cfg_.peers;
      mc.jobId = jobId;
      mc.dealer.reset();
      for (uint32_t p = 0; p < n; ++p) {
        mc.parties[p].endpoint = endpoints.at(p);
        mc.parties[p].bind = p == cfg_.party ? cfg_.listen : endpoints.at(p);
      }
      node::JobResult result;
      {
        net::MeshOptions mo;
        mo.log = cfg_.log;
        net::Mesh mesh(mc, cfg_.party, cfg_.key, mo);
        try {
          auto online = mesh.channel(net::kOnlineChannel);
          auto pre = mesh.channel(net::kPreprocChannel);
          mesh.waitReady();
          // As on a node that runs its jobs itself: only a protocol that
          // consumes preprocessing material gets it (made here, by OT on the
          // job's mesh); rep3 and shamir run on the channels alone.
          const auto protocol = node::nodeProtocol(in.protocol);
          std::unique_ptr<vm::Preprocessing> material;
          if (protocol && bc::info(*protocol).preprocessing)
            material = preproc::makeOtPreprocessing(*pre);
          net::startTogether(*online); // as on a node: online time from here
          node::JobRun run;
          run.program = &in.program;
          run.protocol = in.protocol;
          run.inputs = &in.inputs;
          run.online = online.get();
          run.background = pre.get();
          run.pre = material.get();
          run.maxSteps = in.maxSteps;
          try {
            result = node::runJob(run);
          } catch (...) {
            for (auto &[name, v] : in.inputs)
              wipe(v);
            throw;
          }
          for (auto &[name, v] : in.inputs)
            wipe(v);
        } catch (const std::exception &e) {
          // The other parties' workers learn why this one fails the job and
          // report that root cause, not its departure (errors hold no secrets).
          mesh.close(e.what());
          throw;
        }
        mesh.close();
      }
      board.put(cfg_.party, "state", "done");
      try {
        source_.finish(jobId, result);
      } catch (...) {
        for (auto &[entry, share] : result.outputs)
          wipe(share);
        throw;
      }
      for (auto &[entry, share] : result.outputs)
        wipe(share);
      ++done_;
      say("job " + jobId + ": done");
      return;
    } catch (const std::exception &e) {
      error = e.what();
      try {
        board.put(cfg_.party, "state", "failed");
      } catch (const std::exception &) {
        // The board is best effort here; the node hears of the failure below.
      }
    }
  } catch (const std::exception &e) {
    error = e.what(); // the board itself failed
  }
  ++failed_;
  say("job " + jobId + ": failed: " + error);
  try {
    source_.fail(jobId, error);
  } catch (const std::exception &e) {
    say("job " + jobId + ": cannot tell the node: " + e.what());
  }
}

} // namespace smpc::worker

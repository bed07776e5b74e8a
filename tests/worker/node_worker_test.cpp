//===- node_worker_test.cpp - nodes with --nats and their workers ---------===//
//
// Three nodes (in this process) that queue their jobs on a real
// nats-server -js, and `smpc worker`s (Worker + NodeSource, also in this
// process) that take them: a job submitted while no worker runs waits and
// then runs on the workers with the outputs a node would give; a party
// without a worker fails the job everywhere, naming it; a job that failed
// is never run later by a worker that comes up.
//===----------------------------------------------------------------------===//
#include "compiler/api.h"
#include "runtime/client/client.h"
#include "runtime/node/cluster_init.h"
#include "runtime/node/node.h"
#include "runtime/worker/node_source.h"
#include "runtime/worker/worker.h"
#include "tests/queue/nats_server.h"
#include "vm/bytecode/serialize.h"

#include <arpa/inet.h>
#include <atomic>
#include <cmath>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace smpc;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const fs::path kStats = fs::path(SMPC_SOURCE_DIR) / "samples" / "stats";

std::string readText(const fs::path &p) {
  std::ifstream f(p);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

int freeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

struct NatsCluster {
  testing::NatsServer nats;
  fs::path dir;
  uint32_t n = 3;
  std::vector<node::NodeConfig> cfgs;
  std::vector<std::unique_ptr<node::Node>> nodes;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  // Workers: each with its NATS connection, its link to its node and a thread.
  struct W {
    std::unique_ptr<queue::Connection> conn;
    std::unique_ptr<worker::NodeSource> source;
    std::unique_ptr<worker::Worker> worker;
    std::thread thread;
  };
  std::vector<std::unique_ptr<W>> workers;

  NatsCluster() {
    std::string t = (fs::temp_directory_path() / "smpc-nw-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()));
    dir = t;
    node::ClusterInitOptions o;
    o.parties = n;
    o.dir = dir.string();
    o.basePort = 0;
    node::initCluster(o);
    for (uint32_t i = 0; i < n; ++i) {
      fs::path p = dir / ("node" + std::to_string(i) + ".json");
      json j = json::parse(readText(p));
      j["http"]["port"] = 0;
      j["log"] = {{"level", "warn"}};
      std::ofstream(p) << j.dump(2);
      node::NodeConfig c = node::loadNodeConfig(p.string());
      c.peers.timeouts.peerMs = 1500;
      c.natsUrl = nats.url();
      cfgs.push_back(c);
    }
    for (uint32_t i = 0; i < n; ++i)
      nodes.push_back(std::make_unique<node::Node>(cfgs[i]));
    for (uint32_t i = 0; i < n; ++i)
      threads.emplace_back([this, i] { nodes[i]->run(stop); });
  }
  ~NatsCluster() {
    stop = true;
    for (auto &w : workers)
      if (w->thread.joinable()) w->thread.join();
    workers.clear();
    for (auto &t : threads)
      t.join();
    nodes.clear();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  void startWorker(uint32_t p) {
    auto w = std::make_unique<W>();
    worker::WorkerConfig wc;
    wc.party = p;
    wc.peers = cfgs[p].peers;
    wc.key = net::loadSecretKey(cfgs[p].keyPath);
    wc.listen = wc.advertise = "tcp://127.0.0.1:" + std::to_string(freeLoopbackPort());
    wc.meetTimeout = 3000ms;
    w->conn = std::make_unique<queue::Connection>(nats.url(), 5000ms);
    w->source = std::make_unique<worker::NodeSource>(p, cfgs[p].clientBind, wc.key, 10s);
    w->worker = std::make_unique<worker::Worker>(*w->conn, wc, *w->source);
    w->thread = std::thread([this, wk = w->worker.get()] { wk->run(stop); });
    workers.push_back(std::move(w));
  }

  client::Client client() {
    return client::Client(client::loadClusterFile((dir / "cluster.json").string()),
                          (dir / "client.key").string(), 20s);
  }
};

struct Prepared {
  std::vector<uint8_t> bytes;
  bc::Program prog;
};

/// Uploads the stats sample's data, approves its program on every node.
Prepared prepareStats(client::Client &c) {
  client::UploadOptions o;
  c.share((kStats / "a.csv").string(), "payroll_a", o);
  c.share((kStats / "b.csv").string(), "payroll_b", o);
  compiler::Options co;
  co.defines = {{"n", 8}, {"m", 6}};
  std::ostringstream diags;
  auto r = compiler::compile((kStats / "stats.smpc").string(), readText(kStats / "stats.smpc"), co,
                             diags);
  REQUIRE_MESSAGE(r, diags.str());
  Prepared p{bc::writeProgram(r->program), r->program};
  json rules = {
      {"inputs", {{"a", {{"datasets", {"payroll_a"}}}}, {"b", {{"datasets", {"payroll_b"}}}}}},
      {"outputs",
       {{"mean", {{"to", {"client"}}}},
        {"variance", {{"to", {"client"}}}},
        {"histogram", {{"to", {"client"}}}},
        {"maximum", {{"to", {"client"}}}}}}};
  c.approve(p.bytes, "stats.smpc", rules, {0, 1, 2});
  return p;
}

std::string submitStats(client::Client &c, const Prepared &p) {
  client::JobRequest req;
  req.bytecode = p.bytes;
  req.bindings = {{"a", "payroll_a"}, {"b", "payroll_b"}};
  req.stats = true;
  return c.submit(p.prog, req);
}

void checkStatsOutputs(const client::Outputs &out) {
  json want = json::parse(readText(kStats / "expected.json"));
  REQUIRE(out.values.size() == 4);
  for (const auto &v : out.values) {
    INFO(v.entry.name);
    if (v.entry.name == "histogram") {
      REQUIRE(v.data.size() == 4);
      for (size_t i = 0; i < 4; ++i)
        CHECK(int64_t(v.data[i]) == want["histogram"][i].get<int64_t>());
    } else {
      const double w = want[v.entry.name].get<double>();
      const double got = double(int64_t(v.data[0])) / double(uint64_t(1) << out.fracBits);
      CHECK(std::abs(got - w) <= 1e-3 * std::max(1.0, std::abs(w)));
    }
  }
}

} // namespace

TEST_CASE("with --nats, a job waits for workers, runs on them, and the nodes serve its outputs") {
  NatsCluster cl;
  auto c = cl.client();
  auto p = prepareStats(c);
  const std::string id = submitStats(c, p);
  // No worker yet: the job is running (queued in NATS) on every node.
  for (int i = 0; i < 100 && c.job(id, 2).value("state", "") != "running"; ++i)
    std::this_thread::sleep_for(50ms);
  std::this_thread::sleep_for(500ms);
  for (uint32_t i = 0; i < 3; ++i)
    CHECK(c.job(id, i).value("state", "") == "running");
  for (uint32_t i = 0; i < 3; ++i)
    cl.startWorker(i);
  auto views = c.wait(id);
  for (auto &v : views) {
    INFO(v.dump());
    CHECK(v["state"] == "done");
    CHECK(v["stats"]["rounds"].get<uint64_t>() > 0);
  }
  checkStatsOutputs(c.result(id));
  for (auto &w : cl.workers)
    CHECK(w->worker->jobsDone() == 1);
}

TEST_CASE("a party without a worker fails the job everywhere, and a late worker never runs it") {
  NatsCluster cl;
  auto c = cl.client();
  auto p = prepareStats(c);
  cl.startWorker(0);
  cl.startWorker(1);
  const std::string id = submitStats(c, p);
  auto views = c.wait(id);
  for (auto &v : views) {
    INFO(v.dump());
    CHECK(v["state"] == "failed");
    CHECK(v.value("error", "").find("no worker of party 2") != std::string::npos);
  }
  // Party 2's worker comes up: it takes the failed job from its queue, the
  // node refuses it (it ended), and the next job runs on all three.
  cl.startWorker(2);
  const std::string next = submitStats(c, p);
  views = c.wait(next);
  for (auto &v : views) {
    INFO(v.dump());
    CHECK(v["state"] == "done");
  }
  checkStatsOutputs(c.result(next));
  CHECK(cl.workers[2]->worker->jobsDone() == 1);
  CHECK(cl.workers[2]->worker->jobsFailed() == 1); // the old job: refused by its node
}

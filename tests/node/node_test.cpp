//===- node_test.cpp - three nodes and a client in one process ------------===//
//
// Real loopback sockets, real CurveZMQ, real SQLite files: uploads, an
// approved job end to end against the sample's expected outputs, refusals
// with their messages, concurrent jobs, cancel, --store chaining, and the
// warm pool. Process-level behaviour (restarts, kills, the CLI) is tested
// by tests/node/node_e2e.py.
//===----------------------------------------------------------------------===//
#include "compiler/api.h"
#include "runtime/client/client.h"
#include "runtime/net/keys.h"
#include "runtime/net/mesh.h"
#include "runtime/node/cluster_init.h"
#include "runtime/node/node.h"
#include "vm/bytecode/serialize.h"

#include <atomic>
#include <cmath>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

using namespace smpc;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kSamples = fs::path(SMPC_SOURCE_DIR) / "samples";

struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "smpc-node-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()));
    path = t;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string readText(const fs::path &p) {
  std::ifstream f(p);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

/// Edits every node's configuration before the nodes start.
void editConfigs(const fs::path &dir, uint32_t n, const std::function<void(json &)> &edit) {
  for (uint32_t i = 0; i < n; ++i) {
    fs::path p = dir / ("node" + std::to_string(i) + ".json");
    json j = json::parse(readText(p));
    edit(j);
    std::ofstream(p) << j.dump(2);
  }
}

/// Keys and configurations for `parties` nodes in `dir` (`smpc cluster
/// init` with ports chosen at start, HTTP on port 0), each configuration
/// then edited by `edit` before the nodes start.
void initNodes(const fs::path &dir, uint32_t parties, const std::function<void(json &)> &edit,
               std::vector<std::string> extraClients = {}) {
  node::ClusterInitOptions o;
  o.parties = parties;
  o.dir = dir.string();
  o.basePort = 0;
  o.extraClients = std::move(extraClients);
  node::initCluster(o);
  editConfigs(dir, parties, [&](json &j) {
    j["http"]["port"] = 0;
    edit(j);
  });
}

/// N nodes running on threads of this process.
struct Cluster {
  TempDir dir;
  uint32_t n;
  std::vector<std::unique_ptr<node::Node>> nodes;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;

  explicit Cluster(uint32_t parties, const std::function<void(json &)> &edit = {},
                   std::vector<std::string> extraClients = {"analyst", "stranger"})
      : n(parties) {
    // "analyst" may only submit; "stranger" is not pinned at all.
    initNodes(
        dir.path, n,
        [&](json &j) {
          // An upload between two requests of a test is never abandoned, also
          // on a loaded machine (node_e2e.py's `uploads` checks abandonment).
          j["uploads"] = {{"idle_timeout_ms", 60000}};
          j["log"] = {{"level", "warn"}};
          json keep = json::array();
          for (auto &c : j["clients"]) {
            if (c["name"] == "analyst") c["roles"] = {"analyst"};
            if (c["name"] != "stranger") keep.push_back(c);
          }
          j["clients"] = keep;
          if (edit) edit(j);
        },
        std::move(extraClients));
    // Party 0 last: its pool waits for the others anyway.
    nodes.resize(n);
    for (uint32_t i = 0; i < n; ++i)
      nodes[i] = std::make_unique<node::Node>(
          node::loadNodeConfig((dir.path / ("node" + std::to_string(i) + ".json")).string()));
    for (uint32_t i = 0; i < n; ++i)
      threads.emplace_back([this, i] { nodes[i]->run(stop); });
  }
  ~Cluster() {
    stop = true;
    for (auto &t : threads)
      t.join();
    nodes.clear();
  }
  client::Client client(const std::string &who = "client") {
    return client::Client(client::loadClusterFile((dir.path / "cluster.json").string()),
                          (dir.path / (who + ".key")).string(), std::chrono::seconds(20));
  }
};

struct Compiled {
  bc::Program prog;
  std::vector<uint8_t> bytes;
};

Compiled compile(const fs::path &src, std::map<std::string, int64_t> defines) {
  compiler::Options o;
  o.defines = std::move(defines);
  std::ostringstream diags;
  auto r = compiler::compile(src.string(), readText(src), o, diags);
  INFO(diags.str());
  REQUIRE(r);
  return {r->program, bc::writeProgram(r->program)};
}

double fixValue(uint64_t v, uint8_t frac) {
  return double(int64_t(v)) / double(uint64_t(1) << frac);
}

std::string errorOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const std::exception &e) {
    return e.what();
  }
  return "(no error)";
}

json statsRules(const std::string &to) {
  return {{"inputs", {{"a", {{"datasets", {"payroll_a"}}}}, {"b", {{"owners", {"client"}}}}}},
          {"outputs",
           {{"mean", {{"to", {to}}, {"store", true}}},
            {"variance", {{"to", {to}}}},
            {"histogram", {{"to", {to}}}},
            {"maximum", {{"to", {to}}}}}}};
}

void uploadStats(client::Client &c) {
  client::UploadOptions o;
  c.share((kSamples / "stats" / "a.csv").string(), "payroll_a", o);
  c.share((kSamples / "stats" / "b.csv").string(), "payroll_b", o);
}

void checkStatsOutputs(const client::Outputs &out) {
  json want = json::parse(readText(kSamples / "stats" / "expected.json"));
  REQUIRE(out.values.size() == 4);
  for (const auto &v : out.values) {
    INFO(v.entry.name);
    if (v.entry.name == "histogram") {
      REQUIRE(v.data.size() == 4);
      for (size_t i = 0; i < 4; ++i)
        CHECK(int64_t(v.data[i]) == want["histogram"][i].get<int64_t>());
    } else {
      const double w = want[v.entry.name].get<double>();
      CHECK(std::abs(fixValue(v.data[0], out.fracBits) - w) <= 1e-3 * std::max(1.0, std::abs(w)));
    }
  }
}

} // namespace

TEST_CASE("upload, approve and submit: the stats sample through three nodes") {
  Cluster cl(3);
  auto c = cl.client();
  uploadStats(c);
  auto ds = c.datasets(2);
  REQUIRE(ds.size() == 2);
  CHECK(ds[0]["name"] == "payroll_a");
  CHECK(ds[0]["shape"]["text"] == "sfix[8]");
  CHECK(ds[0]["state"] == "ready");
  auto prog = compile(kSamples / "stats" / "stats.smpc", {{"n", 8}, {"m", 6}});
  c.approve(prog.bytes, "stats.smpc", statsRules("client"), {0, 1, 2});
  client::JobRequest req;
  req.bytecode = prog.bytes;
  req.bindings = {{"a", "payroll_a"}, {"b", "payroll_b"}};
  req.stats = true;
  std::string id = c.submit(prog.prog, req);
  auto views = c.wait(id);
  for (auto &v : views) {
    INFO(v.dump());
    CHECK(v["state"] == "done");
  }
  checkStatsOutputs(c.result(id));
  // Fetched and acknowledged: gone from every node.
  CHECK(errorOf([&] { c.result(id); }).find("has no outputs for client 'client'") !=
        std::string::npos);
}

TEST_CASE("refusals name the node and the rule") {
  Cluster cl(3);
  auto c = cl.client();
  uploadStats(c);
  auto prog = compile(kSamples / "stats" / "stats.smpc", {{"n", 8}, {"m", 6}});
  client::JobRequest req;
  req.bytecode = prog.bytes;
  req.bindings = {{"a", "payroll_a"}, {"b", "payroll_b"}};

  // Not approved anywhere: the first node to refuse (any of them) ends it.
  std::string err = errorOf([&] { c.submit(prog.prog, req); });
  CHECK(err.find("refused the job: program ") != std::string::npos);
  CHECK(err.find("; its admin must approve it first") != std::string::npos);

  // Approved on two nodes, not the third.
  c.approve(prog.bytes, "stats.smpc", statsRules("client"), {0, 1});
  err = errorOf([&] { c.submit(prog.prog, req); });
  CHECK(err.find("party 2 refused the job: program ") != std::string::npos);
  c.approve(prog.bytes, "stats.smpc", statsRules("client"), {2});

  // A binding the approval does not allow.
  client::JobRequest swapped = req;
  swapped.bindings = {{"a", "payroll_b"}, {"b", "payroll_a"}};
  err = errorOf([&] { c.submit(prog.prog, swapped); });
  CHECK(err.find("does not allow dataset 'payroll_b' (owner client 'client') for input 'a'") !=
        std::string::npos);

  // An output to a client the approval does not name.
  client::JobRequest toAnalyst = req;
  toAnalyst.to["maximum"] = {c.publicKey()};
  auto analyst = cl.client("analyst");
  toAnalyst.to["mean"] = {analyst.publicKey()};
  err = errorOf([&] { c.submit(prog.prog, toAnalyst); });
  CHECK(err.find("does not allow output 'mean' to go to client 'analyst'") != std::string::npos);

  // A dataset of the wrong shape: the program compiled for other sizes.
  auto other = compile(kSamples / "stats" / "stats.smpc", {{"n", 9}, {"m", 6}});
  c.approve(other.bytes, "stats.smpc", statsRules("client"), {0, 1, 2});
  client::JobRequest wrong = req;
  wrong.bytecode = other.bytes;
  err = errorOf([&] { c.submit(other.prog, wrong); });
  CHECK(err.find("input 'a' is sfix[9] but dataset 'payroll_a' is sfix[8]") != std::string::npos);

  // An analyst-only key may not approve or upload.
  err = errorOf([&] { analyst.approve(prog.bytes, "x", json::object(), {0}); });
  CHECK(err == "client 'analyst' may not use 'approve' on party 0: that needs the admin role");
}

TEST_CASE("a client key that is not pinned is refused at the handshake") {
  Cluster cl(2);
  auto c = cl.client("stranger");
  std::string err = errorOf([&] { c.datasets(0); });
  CHECK(err ==
        "party 0 (" +
            client::loadClusterFile((cl.dir.path / "cluster.json").string()).nodes[0].endpoint +
            ") refused this client's key: ask its admin to pin it in the node "
            "configuration");
}

TEST_CASE("four jobs at once, all correct, a stored output chains into the next job") {
  Cluster cl(3);
  auto c = cl.client();
  uploadStats(c);
  auto prog = compile(kSamples / "stats" / "stats.smpc", {{"n", 8}, {"m", 6}});
  c.approve(prog.bytes, "stats.smpc", statsRules("client"), {0, 1, 2});
  client::JobRequest req;
  req.bytecode = prog.bytes;
  req.bindings = {{"a", "payroll_a"}, {"b", "payroll_b"}};
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i)
    ids.push_back(c.submit(prog.prog, req));
  for (auto &id : ids) {
    auto v = c.wait(id);
    CHECK(v[0]["state"] == "done");
    checkStatsOutputs(c.result(id));
  }
  // mean -> dataset "mean_out", never opened.
  client::JobRequest store = req;
  store.store["mean"] = "mean_out";
  std::string id = c.submit(prog.prog, store);
  CHECK(c.wait(id)[0]["state"] == "done");
  auto ds = c.datasets(1);
  bool found = false;
  for (auto &d : ds)
    found =
        found || (d["name"] == "mean_out" && d["shape"]["text"] == "sfix" && d["source_job"] == id);
  CHECK(found);
  auto out = c.result(id);
  CHECK(out.values.size() == 3); // mean was stored, not sent
}

namespace {

/// A program that reads one stored sfix and doubles it (x + x: no
/// truncation), to chain stored outputs from one protocol into another.
const char *kTwice = "input x: sfix from party 0;\n"
                     "fn main() {\n"
                     "  output twice = x + x to party 0;\n"
                     "}\n";

json twiceRules(const std::string &to) {
  return {{"inputs", {{"x", {{"owners", {"client"}}}}}},
          {"outputs", {{"twice", {{"to", {to}}, {"store", true}}}}}};
}

double meanOf(const client::Outputs &out) {
  for (const auto &v : out.values)
    if (v.entry.name == "mean" || v.entry.name == "twice") return fixValue(v.data[0], out.fracBits);
  FAIL("no mean or twice in the outputs");
  return 0;
}

} // namespace

TEST_CASE("rep3 and shamir jobs read stored additive shares and store additive shares") {
  Cluster cl(3);
  auto c = cl.client();
  uploadStats(c);
  auto prog = compile(kSamples / "stats" / "stats.smpc", {{"n", 8}, {"m", 6}});
  c.approve(prog.bytes, "stats.smpc", statsRules("client"), {0, 1, 2});
  client::JobRequest req;
  req.bytecode = prog.bytes;
  req.bindings = {{"a", "payroll_a"}, {"b", "payroll_b"}};
  // Each protocol imports the datasets and exports the outputs to the client.
  for (const char *protocol : {"rep3", "shamir"}) {
    INFO(protocol);
    client::JobRequest r = req;
    r.protocol = protocol;
    std::string id = c.submit(prog.prog, r);
    auto views = c.wait(id);
    for (auto &v : views) {
      INFO(v.dump());
      CHECK(v["state"] == "done");
    }
    checkStatsOutputs(c.result(id));
  }
  // A chain across protocols, never opened in between: mean stored by a
  // rep3 job, doubled and stored by a shamir job, doubled again by semi2k.
  const double mean =
      json::parse(readText(kSamples / "stats" / "expected.json"))["mean"].get<double>();
  client::JobRequest stored = req;
  stored.protocol = "rep3";
  stored.store["mean"] = "mean_rep3";
  std::string id = c.submit(prog.prog, stored);
  REQUIRE(c.wait(id)[0]["state"] == "done");
  c.result(id);
  TempDir tmp;
  const fs::path twiceSrc = tmp.path / "twice.smpc";
  std::ofstream(twiceSrc) << kTwice;
  auto twice = compile(twiceSrc, {});
  c.approve(twice.bytes, "twice.smpc", twiceRules("client"), {0, 1, 2});
  client::JobRequest t1;
  t1.bytecode = twice.bytes;
  t1.protocol = "shamir";
  t1.bindings = {{"x", "mean_rep3"}};
  t1.store["twice"] = "mean_x2_shamir";
  id = c.submit(twice.prog, t1);
  REQUIRE(c.wait(id)[0]["state"] == "done");
  client::JobRequest t2;
  t2.bytecode = twice.bytes;
  t2.protocol = "semi2k";
  t2.bindings = {{"x", "mean_x2_shamir"}};
  id = c.submit(twice.prog, t2);
  REQUIRE(c.wait(id)[0]["state"] == "done");
  CHECK(std::abs(meanOf(c.result(id)) - 4 * mean) <= 1e-3 * std::max(1.0, 4 * mean));
}

TEST_CASE("a protocol nodes do not run, or one the cluster's size does not fit, is refused") {
  Cluster cl(2);
  auto c = cl.client();
  uploadStats(c);
  auto prog = compile(kSamples / "stats" / "stats.smpc", {{"n", 8}, {"m", 6}});
  client::JobRequest req;
  req.bytecode = prog.bytes;
  req.bindings = {{"a", "payroll_a"}, {"b", "payroll_b"}};
  req.protocol = "clear";
  std::string err = errorOf([&] { c.submit(prog.prog, req); });
  CHECK(err.find("protocol 'clear' is not available on party ") != std::string::npos);
  CHECK(err.find(" (available: semi2k, rep3, shamir)") != std::string::npos);
  req.protocol = "rep3";
  err = errorOf([&] { c.submit(prog.prog, req); });
  CHECK(err.find("rep3 runs with exactly 3 parties, the cluster's party count is 2") !=
        std::string::npos);
  req.protocol = "shamir";
  err = errorOf([&] { c.submit(prog.prog, req); });
  CHECK(err.find("shamir runs with 3 to 255 parties, the cluster's party count is 2") !=
        std::string::npos);
}

TEST_CASE("output shares are fresh in every job: different shares, the same values") {
  Cluster cl(3);
  auto c = cl.client();
  TempDir tmp;
  std::ofstream(tmp.path / "x.csv") << "1\n-2\n3\n4000000000\n";
  client::UploadOptions uo;
  uo.elem = bc::ElemType::Int;
  c.share((tmp.path / "x.csv").string(), "x", uo);
  const fs::path src = tmp.path / "double.smpc";
  std::ofstream(src) << "input x: sint[4] from party 0;\n"
                        "fn main() {\n"
                        "  output y = x + x to party 0;\n"
                        "}\n";
  auto prog = compile(src, {});
  c.approve(
      prog.bytes, "double.smpc",
      {{"inputs", {{"x", {{"owners", {"client"}}}}}}, {"outputs", {{"y", {{"to", {"client"}}}}}}},
      {0, 1, 2});
  client::JobRequest req;
  req.bytecode = prog.bytes;
  req.bindings = {{"x", "x"}};
  // Without fresh masks every node's share of y would be twice its share
  // of x: the same bytes in both jobs.
  std::vector<std::vector<uint8_t>> shares[2];
  for (int run = 0; run < 2; ++run) {
    std::string id = c.submit(prog.prog, req);
    REQUIRE(c.wait(id)[0]["state"] == "done");
    for (uint32_t p = 0; p < 3; ++p)
      shares[run].push_back(c.node(p).call("result", {{"job", id}}).payload);
    auto out = c.result(id);
    REQUIRE(out.values.size() == 1);
    CHECK(out.values[0].data == std::vector<uint64_t>{2, uint64_t(-4), 6, 8000000000});
  }
  for (uint32_t p = 0; p < 3; ++p) {
    INFO("party " << p);
    REQUIRE(shares[0][p].size() == 32);
    CHECK(shares[0][p] != shares[1][p]);
  }
}

namespace {

void sendControl(net::JobChannel &ch, uint32_t to, const json &m) {
  std::string s = m.dump();
  ch.send(to, std::span(reinterpret_cast<const uint8_t *>(s.data()), s.size()));
}

/// Asks a node about `id` until it knows the job (the node applies control
/// messages on its own thread); bounded, then the last error is returned.
json jobOnNode(client::Client &c, const std::string &id, uint32_t party) {
  std::string last;
  for (int i = 0; i < 400; ++i) {
    try {
      return c.job(id, party);
    } catch (const client::ClientError &e) {
      last = e.what();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("node " << party << " never learnt of job " << id << ": " << last);
  return {};
}

} // namespace

TEST_CASE("a peer's refusal and abort reasons reach the store, logs and clients printable and "
          "bounded") {
  // Node 0 is real; party 1 is a bare mesh with party 1's pinned key, as a
  // compromised peer would be: authenticated, not trusted.
  TempDir dir;
  initNodes(dir.path, 2, [](json &j) {
    j["log"] = {{"level", "error"}};
    j["pool"] = {{"enabled", false}};
  });
  auto cfg1 = node::loadNodeConfig((dir.path / "node1.json").string());
  node::Node node0(node::loadNodeConfig((dir.path / "node0.json").string()));
  net::MeshOptions mo;
  mo.multiplex = true;
  net::Mesh peer(cfg1.peers, 1, net::loadSecretKey(cfg1.keyPath), mo);
  auto control = peer.openJob("smpc-control", 0, false);
  peer.waitReady();
  client::Client c(client::loadClusterFile((dir.path / "cluster.json").string()),
                   (dir.path / "client.key").string(), std::chrono::seconds(20));

  // A terminal escape, a line break and UTF-8 (valid JSON, not ASCII).
  const std::string overlong = "line one\nline two\x1b[2J\xc3\xa9" + std::string(100000, 'x');
  const std::string cut = "line one?line two?[2J??" + std::string(256 - 23 - 3, 'x') + "...";
  REQUIRE(cut.size() == 256);

  SUBCASE("a verdict: the leader's refusal carries the reason cut and made printable") {
    sendControl(*control, 0,
                {{"t", "verdict"}, {"job", "job-verdict-1"}, {"ok", false}, {"reason", overlong}});
    // The leader ends the job everywhere: its abort comes back to party 1.
    auto got = control->recvAny(std::chrono::seconds(20));
    REQUIRE(got);
    json abort = json::parse(got->second.begin(), got->second.end());
    CHECK(abort["t"] == "abort");
    CHECK(abort["reason"] == "party 1 refused the job: " + cut);
    CHECK(jobOnNode(c, "job-verdict-1", 0)["error"] == "party 1 refused the job: " + cut);
  }
  SUBCASE("an abort: the reason recorded and shown is cut and printable") {
    sendControl(
        *control, 0,
        {{"t", "abort"}, {"job", "job-abort-1"}, {"state", "failed"}, {"reason", overlong}});
    json v = jobOnNode(c, "job-abort-1", 0);
    CHECK(v["state"] == "failed");
    CHECK(v["error"] == cut);
  }
  SUBCASE("fields of the wrong type are ignored, the control loop keeps going") {
    sendControl(*control, 0,
                {{"t", "abort"}, {"job", "job-abort-2"}, {"state", 7}, {"reason", {1, 2}}});
    json v = jobOnNode(c, "job-abort-2", 0);
    CHECK(v["state"] == "failed");
    CHECK(v["error"] == "the job was aborted by party 1");
  }
  SUBCASE("a client's ids are checked before they are echoed") {
    std::string err = errorOf([&] { c.job("job\x1b[2J-" + std::string(100, 'a'), 0); });
    CHECK(err == "'job' must be 8 to 64 characters of 0-9, a-z and '-'");
    err = errorOf([&] { c.node(0).call("op\n" + std::string(1000, 'o')); });
    CHECK(err == "unknown request 'op?" + std::string(256 - 3 - 3, 'o') + "...'");
  }
  control.reset();
}

TEST_CASE("a job waiting for its pool ticket fails at once when the tickets stop") {
  // Node 1 is real; party 0, the leader, is a bare mesh with its pinned key
  // that starts a pool session and then sends a malformed ticket.
  TempDir dir;
  initNodes(dir.path, 2, [](json &j) {
    j["log"] = {{"level", "error"}};
    j["pool"] = {{"enabled", true}, {"memory_mb", 1}};
  });
  // A short receive timeout: the node idles past it before the job comes
  // (tickets come only when jobs start; an idle node must keep waiting).
  json peers = json::parse(readText(dir.path / "peers.json"));
  peers["timeouts"]["recv_ms"] = 500;
  std::ofstream(dir.path / "peers.json") << peers.dump(2);
  auto cfg0 = node::loadNodeConfig((dir.path / "node0.json").string());
  node::Node node1(node::loadNodeConfig((dir.path / "node1.json").string()));
  net::MeshOptions mo;
  mo.multiplex = true;
  net::Mesh leader(cfg0.peers, 0, net::loadSecretKey(cfg0.keyPath), mo);
  auto control = leader.openJob("smpc-control", 0, false);
  leader.waitReady();
  const std::string session = "0123456789abcdef0123456789abcdef";
  auto tickets = leader.openJob("pool-" + session, 2);
  sendControl(*control, 1, {{"t", "pool_start"}, {"session", session}, {"batch", 16}});
  std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // idle past recv_ms

  client::Client c(client::loadClusterFile((dir.path / "cluster.json").string()),
                   (dir.path / "client.key").string(), std::chrono::seconds(20));
  TempDir tmp;
  const fs::path src = tmp.path / "three.smpc";
  std::ofstream(src) << "fn main() {\n  output y = sint(3) * sint(4) to party 0;\n}\n";
  auto prog = compile(src, {});
  c.approve(prog.bytes, "three.smpc", {{"outputs", {{"y", {{"to", {"client"}}}}}}}, {1});
  const std::string id = "job-ticket-1";
  api::Message m;
  m.header = {{"op", "submit"},
              {"spec",
               {{"job", id},
                {"protocol", "semi2k"},
                {"stats", false},
                {"bindings", json::object()},
                {"outputs", {{"y", {{"to", {c.publicKey()}}}}}}}}};
  m.payload = prog.bytes;
  c.node(1).call(std::move(m));
  auto verdict = control->recvAny(std::chrono::seconds(20));
  REQUIRE(verdict);
  CHECK(json::parse(verdict->second.begin(), verdict->second.end())["ok"] == true);
  sendControl(*control, 1, {{"t", "start"}, {"job", id}, {"pool", session}});
  const std::string garbage = "not a ticket";
  tickets->send(1, std::span(reinterpret_cast<const uint8_t *>(garbage.data()), garbage.size()));
  // The job ends on its own (it would otherwise wait for its ticket until
  // the leader's abort) and tells the leader why.
  auto abort = control->recvAny(std::chrono::seconds(20));
  REQUIRE(abort);
  const std::string want = "party 1: the triple pool of party 1 could not set the job's material "
                           "aside: party 0 sent a malformed pool ticket; submit the job again";
  CHECK(json::parse(abort->second.begin(), abort->second.end())["reason"] == want);
  CHECK(jobOnNode(c, id, 1)["error"] == want);
  tickets.reset();
  control.reset();
}

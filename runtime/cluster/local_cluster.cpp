//===- local_cluster.cpp - `smpc run --protocol P`: N processes -----------===//
//
// Generates ephemeral keys and a cluster configuration, starts the dealer
// (semi2k with dealer preprocessing only; rep3 and shamir need none) and
// one `smpc party` process per party on loopback (real sockets, real
// CurveZMQ). They start as early as the party count is known and connect
// while `smpc run` compiles the program and parses the input files; each
// party waits on a pipe (`--wait-fd`) until the launcher has written the
// program and that party's own inputs, then runs. Prints each
// output as its recipients received it. A failed node fails the run with
// the node named; the others are killed after a short grace so they can
// report their own view.
//
// Nothing is written to disk, so nothing is left behind however the run
// ends (SIGKILL included): each child reads its secret key from a pipe
// (`--key-fd`), drained as it starts, and the program, the configuration
// and each party's outputs are anonymous memory files (memfd) it inherits.
//===----------------------------------------------------------------------===//
#include "runtime/cluster/local_cluster.h"

#include "runtime/cli/load_program.h"
#include "runtime/cluster/process.h"
#include "runtime/cluster/raw_inputs.h"
#include "runtime/data/outputs.h"
#include "runtime/data/stats_json.h"
#include "runtime/net/config.h"
#include "runtime/net/free_port.h"
#include "vm/bytecode/protocols.h"
#include "vm/bytecode/serialize.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>

namespace smpc::cli {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

volatile std::sig_atomic_t gInterrupted = 0;
void onSignal(int) {
  gInterrupted = 1;
}

// The numbers under which a child inherits what it needs.
constexpr int kKeyFd = 3, kProgramFd = 4, kConfigFd = 5, kOutputsFd = 6, kInputsFd = 7, kWaitFd = 8;

std::string childPath(int fd) {
  return "/proc/self/fd/" + std::to_string(fd);
}

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd &&o) noexcept : fd(std::exchange(o.fd, -1)) {}
  Fd &operator=(Fd &&o) noexcept {
    std::swap(fd, o.fd);
    return *this;
  }
  Fd(const Fd &) = delete;
  Fd &operator=(const Fd &) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

void writeAll(int fd, const void *data, size_t size, const char *what) {
  const auto *p = static_cast<const char *>(data);
  while (size) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw std::runtime_error(std::string("cannot pass ") + what +
                               " to a node: " + std::strerror(errno));
    p += n;
    size -= size_t(n);
  }
}

// An anonymous file in memory: never on a file system, gone with the last
// descriptor.
Fd memFile(const char *name, std::string_view bytes = {}) {
  Fd f(::memfd_create(name, MFD_CLOEXEC));
  if (f.fd < 0)
    throw std::runtime_error(std::string("cannot create an in-memory file: ") +
                             std::strerror(errno));
  writeAll(f.fd, bytes.data(), bytes.size(), name);
  return f;
}

std::string readMemFile(int fd) {
  std::string out;
  char buf[65536];
  for (off_t at = 0;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, size_t(n));
    at += n;
  }
  return out;
}

// A pipe holding one secret key line, its write end already closed: the
// child reads the key and end of file, and the key never touches a disk.
Fd keyPipe(const net::SecretKey &key) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
  Fd rd(p[0]), wr(p[1]);
  std::string line = net::z85Encode(key.secretBytes()) + "\n";
  try {
    writeAll(wr.fd, line.data(), line.size(), "a key");
  } catch (...) {
    sodium_memzero(line.data(), line.size());
    throw;
  }
  sodium_memzero(line.data(), line.size());
  return rd;
}

uint32_t envMs(const char *name, uint32_t dflt) {
  const char *v = std::getenv(name);
  if (!v || !*v) return dflt;
  char *end = nullptr;
  unsigned long n = std::strtoul(v, &end, 10);
  return (*end || n == 0 || n > 86400000) ? dflt : uint32_t(n);
}

struct Node {
  std::string name;
  pid_t pid = -1;
  bool done = false;
  int status = 0;
  bool isDealer = false;
};

} // namespace

struct LocalCluster::State {
  net::ClusterConfig cfg;
  uint32_t n = 0;
  bool verbose = false;
  std::vector<Node> nodes;
  std::vector<Fd> outFiles; // by party: what it received, written as it ends
  std::vector<Fd> inFiles;  // by party: its inputs, written by run()
  std::vector<Fd> goPipes;  // by party: one byte once its program and inputs are written
  Fd progFile;
  bool ran = false;
};

LocalCluster::LocalCluster(const RunRequest &req) : s_(std::make_unique<State>()) {
  State &s = *s_;
  const uint32_t n = s.n = req.parties;
  if (n < 2)
    throw std::invalid_argument("semi2k needs at least 2 parties, --parties is " +
                                std::to_string(n));
  if (n > net::kMaxParties)
    throw std::invalid_argument("the local cluster runs at most " +
                                std::to_string(net::kMaxParties) + " parties, --parties is " +
                                std::to_string(n));
  const auto protocol = bc::protocolFromName(req.protocol);
  if (!protocol || *protocol == bc::ProtocolId::Clear)
    throw std::invalid_argument("internal error: the local cluster cannot run protocol '" +
                                req.protocol + "'");
  const bool preprocessed = bc::info(*protocol).preprocessing;
  const bool useDealer = preprocessed && req.preprocessing == "dealer";
  net::ClusterConfig &cfg = s.cfg;
  uint8_t jobBytes[8];
  randombytes_buf(jobBytes, sizeof jobBytes);
  char jobHex[17];
  sodium_bin2hex(jobHex, sizeof jobHex, jobBytes, sizeof jobBytes);
  cfg.jobId = std::string("local-") + jobHex;
  std::vector<net::SecretKey> keys; // parties 0..n-1, then the dealer
  auto addNode = [&](uint32_t id) {
    net::NodeConfig c;
    c.id = id;
    c.endpoint = c.bind = "tcp://127.0.0.1:" + std::to_string(net::freePort());
    keys.push_back(net::net_key_keygen());
    c.publicKey = keys.back().publicKey();
    return c;
  };
  for (uint32_t i = 0; i < n; ++i)
    cfg.parties.push_back(addNode(i));
  if (useDealer) cfg.dealer = addNode(n);
  cfg.timeouts.connectMs = envMs("SMPC_CONNECT_TIMEOUT_MS", 20000);
  cfg.timeouts.peerMs = envMs("SMPC_PEER_TIMEOUT_MS", 5000);
  cfg.timeouts.recvMs = envMs("SMPC_RECV_TIMEOUT_MS", 600000);
  // Simulated WAN: added one-way delay per data frame (docs/network.md).
  if (const char *lat = std::getenv("SMPC_LATENCY_MS"); lat && *lat)
    cfg.latencyMs = std::min<uint32_t>(60000, uint32_t(std::strtoul(lat, nullptr, 10)));
  s.verbose = std::getenv("SMPC_VERBOSE") && *std::getenv("SMPC_VERBOSE");

  s.outFiles.resize(n);
  s.inFiles.resize(n);
  s.goPipes.resize(n);
  // Empty until run(): each party opens it anew (/proc/self/fd/N) once told to.
  s.progFile = memFile("smpc-program");
  const Fd cfgFile = memFile("smpc-cluster", net::clusterConfigToJson(cfg));
  // Each child's key pipe is closed here as soon as the child has it.
  auto spawn = [&](const std::vector<std::string> &a, const net::SecretKey &key,
                   std::vector<cluster::FdPass> fds) {
    const Fd kp = keyPipe(key);
    fds.push_back({kp.fd, kKeyFd});
    fds.push_back({cfgFile.fd, kConfigFd});
    return cluster::spawnSelf(a, "/dev/null", fds);
  };
  try {
    if (useDealer) {
      // The launcher checks the program's party count; the dealer only
      // serves, so it needs no program and starts serving at once.
      std::vector<std::string> a = {"dealer", "--config", childPath(kConfigFd), "--key-fd",
                                    std::to_string(kKeyFd)};
      if (s.verbose) a.push_back("--verbose");
      s.nodes.push_back({"the dealer", spawn(a, keys[n], {}), false, 0, true});
    }
    for (uint32_t i = 0; i < n; ++i) {
      std::string id = std::to_string(i);
      std::vector<std::string> a = {"party",
                                    "--id",
                                    id,
                                    "--config",
                                    childPath(kConfigFd),
                                    "--key-fd",
                                    std::to_string(kKeyFd),
                                    "--program",
                                    childPath(kProgramFd),
                                    "--protocol",
                                    req.protocol,
                                    "--outputs-raw",
                                    childPath(kOutputsFd),
                                    "--inputs-raw",
                                    childPath(kInputsFd),
                                    "--wait-fd",
                                    std::to_string(kWaitFd)};
      if (preprocessed) {
        a.push_back("--preprocessing");
        a.push_back(req.preprocessing);
      }
      if (req.maxSteps) {
        a.push_back("--max-steps");
        a.push_back(std::to_string(req.maxSteps));
      }
      if (s.verbose) a.push_back("--verbose");
      s.outFiles[i] = memFile("smpc-outputs");
      s.inFiles[i] = memFile("smpc-inputs");
      int p[2];
      if (::pipe2(p, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
      const Fd rd(p[0]);
      s.goPipes[i] = Fd(p[1]);
      s.nodes.push_back({"party " + id, spawn(a, keys[i],
                                              {{s.progFile.fd, kProgramFd},
                                               {s.outFiles[i].fd, kOutputsFd},
                                               {s.inFiles[i].fd, kInputsFd},
                                               {rd.fd, kWaitFd}})});
    }
  } catch (...) {
    // A constructor that throws runs no destructor: stop what started.
    for (auto &nd : s.nodes)
      ::kill(nd.pid, SIGKILL);
    for (auto &nd : s.nodes)
      ::waitpid(nd.pid, nullptr, 0);
    throw;
  }
  // The keys are wiped as they go out of scope: each child has its own now.
}

LocalCluster::~LocalCluster() {
  if (!s_ || s_->ran) return;
  for (auto &nd : s_->nodes)
    ::kill(nd.pid, SIGKILL);
  for (auto &nd : s_->nodes)
    ::waitpid(nd.pid, nullptr, 0);
}

namespace {

/// Writes the program and each party's own inputs into their in-memory
/// files, then tells each party to go (its pipe's byte).
void handOver(LocalCluster::State &s, const RunRequest &req) {
  const bc::Program &prog = req.program;
  const auto bytes = bc::writeProgram(prog);
  writeAll(s.progFile.fd, bytes.data(), bytes.size(), "the program");
  for (uint32_t i = 0; i < s.n; ++i) {
    // The inputs were read and checked here: each party gets its own,
    // encoded, instead of parsing the files again (#7 item 4).
    for (const auto &e : prog.inputs)
      if (e.party == i)
        if (auto it = req.inputs.find(e.name); it != req.inputs.end()) {
          const std::string h = cluster::rawInputHeader(e.name, it->second.size());
          writeAll(s.inFiles[i].fd, h.data(), h.size(), "the inputs");
          writeAll(s.inFiles[i].fd, it->second.data(), it->second.size() * sizeof(uint64_t),
                   "the inputs");
        }
    const char go = 1;
    writeAll(s.goPipes[i].fd, &go, 1, "the start signal");
    s.goPipes[i] = Fd();
  }
}

} // namespace

int LocalCluster::run(const RunRequest &req) {
  State &s = *s_;
  const bc::Program &prog = req.program;
  const uint32_t n = s.n;
  net::ClusterConfig &cfg = s.cfg;
  std::vector<Node> &nodes = s.nodes;

  // Ctrl-C or a kill of this process must not leave party processes behind:
  // they die with us (PDEATHSIG), and a caught signal cleans up first.
  struct sigaction sa {
  }, oldInt{}, oldTerm{};
  sa.sa_handler = onSignal;
  ::sigaction(SIGINT, &sa, &oldInt);
  ::sigaction(SIGTERM, &sa, &oldTerm);
  s.ran = true; // from here the wait below reaps every node

  try {
    handOver(s, req);
  } catch (const std::exception &e) {
    for (auto &nd : nodes)
      ::kill(nd.pid, SIGKILL);
    for (auto &nd : nodes)
      ::waitpid(nd.pid, nullptr, 0);
    ::sigaction(SIGINT, &oldInt, nullptr);
    ::sigaction(SIGTERM, &oldTerm, nullptr);
    printError(e.what());
    return kExitFail;
  }

  // Wait for every node. After the first failure the others get a grace
  // period to notice and report it themselves, then they are killed.
  const auto deadline = Clock::now() + std::chrono::seconds(envMs("SMPC_RUN_TIMEOUT_S", 3600));
  std::optional<Clock::time_point> killAt;
  std::string firstFailure, dealerFailure;
  size_t running = nodes.size();
  while (running) {
    for (auto &nd : nodes) {
      if (nd.done) continue;
      int st = 0;
      if (::waitpid(nd.pid, &st, WNOHANG) == nd.pid) {
        nd.done = true;
        nd.status = st;
        --running;
        if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
          // A dealer that exits with an error does so because a party
          // failed: name the party when there is one. A dealer killed by a
          // signal failed first, and the parties fail because of it.
          std::string &slot = nd.isDealer && !WIFSIGNALED(st) ? dealerFailure : firstFailure;
          if (slot.empty()) slot = nd.name + " " + cluster::describeStatus(st);
          if (!killAt)
            killAt = Clock::now() + std::chrono::milliseconds(cfg.timeouts.peerMs + 1000);
        }
      }
    }
    if (!running) break;
    auto now = Clock::now();
    if (gInterrupted && firstFailure.empty()) firstFailure = "interrupted";
    if (now > deadline && firstFailure.empty())
      firstFailure = "the run took longer than SMPC_RUN_TIMEOUT_S";
    if (gInterrupted || now > deadline || (killAt && now > *killAt)) {
      for (auto &nd : nodes)
        if (!nd.done) ::kill(nd.pid, SIGKILL);
      for (auto &nd : nodes)
        if (!nd.done) ::waitpid(nd.pid, &nd.status, 0), nd.done = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::sigaction(SIGINT, &oldInt, nullptr);
  ::sigaction(SIGTERM, &oldTerm, nullptr);
  if (firstFailure.empty()) firstFailure = dealerFailure;
  if (!firstFailure.empty()) {
    printError("the local cluster failed: " + firstFailure + " (the nodes' own errors are above)");
    return kExitFail;
  }

  // Each output as its first recipient received it.
  std::vector<nlohmann::json> raw(n);
  for (uint32_t i = 0; i < n; ++i) {
    try {
      raw[i] = nlohmann::json::parse(readMemFile(s.outFiles[i].fd));
    } catch (const std::exception &) {
      printError("party " + std::to_string(i) + " finished without writing its outputs");
      return kExitFail;
    }
  }
  std::vector<vm::OutputValue> outs;
  for (const auto &e : prog.outputs) {
    uint32_t from = e.recipients.empty() ? 0 : e.recipients.front();
    if (from >= n) continue;
    for (const auto &o : raw[from]["outputs"])
      if (o["name"] == e.name) outs.push_back({e, o["data"].get<std::vector<uint64_t>>()});
  }
  std::cout << data::formatOutputsText(outs, prog.fracBits) << std::flush;
  if (!req.outputJson.empty()) {
    std::ofstream f(req.outputJson);
    f << data::outputsJson(outs, prog.fracBits).dump(2) << "\n";
    if (!f) {
      printError("cannot write '" + req.outputJson + "'");
      return kExitFail;
    }
  }
  if (req.stats)
    for (uint32_t i = 0; i < n; ++i) {
      const auto &js = raw[i]["stats"];
      std::cerr << "stats (party " << i << "): " << vm::statsText(data::statsFromJson(js))
                << ", online " << js.value("online_seconds", 0.0) << " s\n";
      if (const std::string pool = js.value("pool", std::string()); !pool.empty())
        std::cerr << "stats (party " << i << "): " << pool << "\n";
    }
  return kExitOk;
}

int runLocalCluster(const RunRequest &req) {
  std::unique_ptr<LocalCluster> cluster;
  try {
    cluster = std::make_unique<LocalCluster>(req);
  } catch (const std::invalid_argument &e) {
    printError(e.what());
    return kExitUsage;
  } catch (const std::exception &e) {
    printError(e.what());
    return kExitFail;
  }
  return cluster->run(req);
}

} // namespace smpc::cli

//===- local_cluster.cpp - `smpc run --protocol P`: N processes -----------===//
//
// Generates ephemeral keys and a cluster configuration, starts the dealer
// (semi2k with dealer preprocessing only; rep3 and shamir need none) and
// one `smpc party` process per party on loopback (real sockets, real
// CurveZMQ), gives each party only the inputs it owns, and prints each
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
constexpr int kKeyFd = 3, kProgramFd = 4, kConfigFd = 5, kOutputsFd = 6, kInputsFd = 7;

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

int runLocalCluster(const RunRequest &req) {
  const bc::Program &prog = req.program;
  uint32_t n = req.parties ? req.parties : std::max<uint32_t>(2, prog.minParties);
  if (n < 2) {
    printError("semi2k needs at least 2 parties, --parties is " + std::to_string(n));
    return kExitUsage;
  }
  if (n > net::kMaxParties) {
    printError("the local cluster runs at most " + std::to_string(net::kMaxParties) +
               " parties, --parties is " + std::to_string(n));
    return kExitUsage;
  }
  const auto protocol = bc::protocolFromName(req.protocol);
  if (!protocol || *protocol == bc::ProtocolId::Clear) {
    printError("internal error: the local cluster cannot run protocol '" + req.protocol + "'");
    return kExitUsage;
  }
  const bool preprocessed = bc::info(*protocol).preprocessing;
  const bool useDealer = preprocessed && req.preprocessing == "dealer";
  net::ClusterConfig cfg;
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
  const bool verbose = std::getenv("SMPC_VERBOSE") && *std::getenv("SMPC_VERBOSE");

  // Ctrl-C or a kill of this process must not leave party processes behind:
  // they die with us (PDEATHSIG), and a caught signal cleans up first.
  struct sigaction sa {
  }, oldInt{}, oldTerm{};
  sa.sa_handler = onSignal;
  ::sigaction(SIGINT, &sa, &oldInt);
  ::sigaction(SIGTERM, &sa, &oldTerm);

  std::vector<Node> nodes;
  std::vector<Fd> outFiles(n);
  try {
    const auto bytes = bc::writeProgram(prog);
    const Fd progFile =
        memFile("smpc-program", {reinterpret_cast<const char *>(bytes.data()), bytes.size()});
    const Fd cfgFile = memFile("smpc-cluster", net::clusterConfigToJson(cfg));
    // Each child's key pipe is closed here as soon as the child has it.
    auto spawn = [&](const std::vector<std::string> &a, const net::SecretKey &key, const Fd *out,
                     const Fd *in = nullptr) {
      const Fd kp = keyPipe(key);
      std::vector<cluster::FdPass> fds = {
          {kp.fd, kKeyFd}, {progFile.fd, kProgramFd}, {cfgFile.fd, kConfigFd}};
      if (out) fds.push_back({out->fd, kOutputsFd});
      if (in) fds.push_back({in->fd, kInputsFd});
      return cluster::spawnSelf(a, "/dev/null", fds);
    };
    const std::vector<std::string> common = {"--config",  childPath(kConfigFd),
                                             "--key-fd",  std::to_string(kKeyFd),
                                             "--program", childPath(kProgramFd)};
    if (useDealer) {
      std::vector<std::string> a = {"dealer"};
      a.insert(a.end(), common.begin(), common.end());
      if (verbose) a.push_back("--verbose");
      nodes.push_back({"the dealer", spawn(a, keys[n], nullptr), false, 0, true});
    }
    for (uint32_t i = 0; i < n; ++i) {
      std::string id = std::to_string(i);
      std::vector<std::string> a = {"party", "--id", id};
      a.insert(a.end(), common.begin(), common.end());
      for (const std::string &s : {std::string("--protocol"), req.protocol,
                                   std::string("--outputs-raw"), childPath(kOutputsFd)})
        a.push_back(s);
      outFiles[i] = memFile("smpc-outputs");
      if (preprocessed) {
        a.push_back("--preprocessing");
        a.push_back(req.preprocessing);
      }
      // The inputs were read and checked here: each party gets its own,
      // encoded, instead of parsing the files again (#7 item 4).
      std::string raw;
      for (const auto &e : prog.inputs)
        if (e.party == i)
          if (auto it = req.inputs.find(e.name); it != req.inputs.end())
            cluster::appendRawInput(raw, e.name, it->second);
      const Fd inFile = memFile("smpc-inputs", raw);
      if (!raw.empty()) sodium_memzero(raw.data(), raw.size());
      a.push_back("--inputs-raw");
      a.push_back(childPath(kInputsFd));
      if (req.maxSteps) {
        a.push_back("--max-steps");
        a.push_back(std::to_string(req.maxSteps));
      }
      if (verbose) a.push_back("--verbose");
      nodes.push_back({"party " + id, spawn(a, keys[i], &outFiles[i], &inFile)});
    }
    keys.clear(); // wiped: each child has its own now
  } catch (const std::exception &e) {
    for (auto &nd : nodes)
      ::kill(nd.pid, SIGKILL);
    for (auto &nd : nodes)
      ::waitpid(nd.pid, nullptr, 0);
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
      raw[i] = nlohmann::json::parse(readMemFile(outFiles[i].fd));
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
      const auto &s = raw[i]["stats"];
      std::cerr << "stats (party " << i << "): " << vm::statsText(data::statsFromJson(s))
                << ", online " << s.value("online_seconds", 0.0) << " s\n";
      if (const std::string pool = s.value("pool", std::string()); !pool.empty())
        std::cerr << "stats (party " << i << "): " << pool << "\n";
    }
  return kExitOk;
}

} // namespace smpc::cli

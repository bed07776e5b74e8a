//===- cmd_party.cpp - `smpc party`: run one party of a job ---------------===//
//
// Loads and verifies the program, loads only the inputs this party owns,
// joins the CurveZMQ mesh and runs the program under the job's protocol:
// semi2k with its preprocessing from the dealer (or from OT with the other
// parties), rep3, or shamir (its material made in the background on the
// preprocessing channel). Prints the outputs this party receives. Errors name this party and never
// contain input values or shares.
//===----------------------------------------------------------------------===//
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"
#include "runtime/cluster/raw_inputs.h"
#include "runtime/data/inputs.h"
#include "runtime/data/outputs.h"
#include "runtime/data/stats_json.h"
#include "runtime/net/mesh.h"
#include "runtime/net/start_barrier.h"
#include "runtime/preproc/dealer/client.h"
#include "runtime/preproc/dealer/wire.h"
#include "runtime/preproc/ot/ot_preprocessing.h"
#include "runtime/preproc/pool/pool_estimate.h"
#include "runtime/preproc/pool/triple_pool.h"
#include "vm/bytecode/protocols.h"
#include "vm/bytecode/serialize.h"
#include "vm/core/errors.h"
#include "vm/protocols/rep3/rep3.h"
#include "vm/protocols/semi2k/semi2k.h"
#include "vm/protocols/shamir/shamir.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace smpc::cli {

namespace {

struct PartyArgs {
  std::string config, key, program, outputJson, rawOut, rawIn, preprocessing, protocol = "semi2k";
  uint32_t id = 0;
  bool stats = false, verbose = false;
  uint64_t maxSteps = 0, keyFd = 0, waitFd = 0;
  std::map<std::string, std::string> inputs;
};

// Returns an exit code, or nullopt to go on.
std::optional<int> parseArgs(const std::vector<std::string> &args, PartyArgs &a) {
  OptionTable t = commandOptions(
      "party",
      "--config CLUSTER.json --id I (--key PARTY.key | --key-fd N) --program PROG.smpcb [options]");
  addClusterOption(t, a.config);
  t.required();
  uint64_t id = 0;
  t.number("id", "I", "this party's number in the configuration", id, 0, net::kMaxParties - 1)
      .required();
  addKeyOption(t, a.key, "this party's secret key (from smpc keygen)");
  addKeyFdOption(t, a.keyFd);
  t.text("program", "PROG.smpcb", "the program (bytecode, as every party runs it)", a.program)
      .required();
  addInputOption(t, a.inputs, "data for an input this party owns; repeat per input");
  addOutputJsonOption(t, a.outputJson, "also write the outputs this party receives as JSON");
  t.text("outputs-raw", "FILE", "write outputs and statistics for the local cluster (internal)",
         a.rawOut);
  t.text("inputs-raw", "FILE",
         "this party's inputs as the local cluster read them, encoded (internal)", a.rawIn);
  t.number("wait-fd", "N",
           "join the mesh first, then wait for one byte on inherited descriptor N before "
           "reading the program and inputs (internal: the local cluster)",
           a.waitFd, 3, 1u << 20);
  addProtocolOption(t, a.protocol, "the job's protocol (default semi2k)", false);
  addPreprocessingOption(t, a.preprocessing,
                         "semi2k only; default: dealer when the configuration has one, else ot");
  addMaxStepsOption(t, a.maxSteps);
  addStatsOption(t, a.stats);
  addVerboseOption(t, a.verbose);
  auto rc = t.parse(args);
  if (!rc) rc = checkKeySource("party", a.key, a.keyFd);
  a.id = uint32_t(id);
  if (!rc && !a.preprocessing.empty() &&
      !bc::info(*bc::protocolFromName(a.protocol)).preprocessing) {
    printError("--preprocessing applies to semi2k only; " + a.protocol +
               " needs no preprocessing, leave the option out");
    return kExitUsage;
  }
  return rc;
}

/// Pool sizes for one job: when the program header's needs bound the run
/// (exact, or an upper bound: public branches counted at their costlier
/// arm), the background makes what this run will draw at most, rather than
/// spending the machine on material it never uses: capacities clamped to
/// [64, default], and a budget of the predicted records per kind. Needs per
/// loop iteration (a run-time trip count) bound nothing: default pools.
preproc::PoolConfig poolConfig(const bc::Program &prog, uint32_t parties) {
  preproc::PoolConfig pc;
  pc.parties = parties;
  pc.truncShift = prog.fracBits;
  if (!prog.needs.bounded()) return pc;
  const auto want = preproc::estimateMaterial(prog.needs);
  for (size_t k = 0; k < want.size(); ++k) {
    pc.capacity[k] = std::clamp<uint64_t>(want[k], 64, pc.capacity[k]);
    pc.budget[k] = want[k];
  }
  return pc;
}

void writeRaw(const std::string &path, const std::vector<vm::OutputValue> &outs,
              const vm::ProtocolStats &s, double onlineSeconds, const std::string &poolStatus) {
  nlohmann::json j;
  j["outputs"] = nlohmann::json::array();
  for (const auto &o : outs)
    j["outputs"].push_back({{"name", o.entry.name}, {"data", o.data}});
  j["stats"] = data::statsJson(s);
  j["stats"]["online_seconds"] = onlineSeconds;
  j["stats"]["pool"] = poolStatus;
  std::ofstream f(path);
  f << j.dump() << "\n";
  if (!f) throw std::runtime_error("cannot write '" + path + "'");
}

/// The inputs the local cluster read for this party (raw_inputs.h), each
/// one an input of the program that this party owns. Mapped, not read: the
/// values are copied once, from the launcher's in-memory file.
vm::InputValues loadRawInputs(const std::string &path, const bc::Program &prog, uint32_t id) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot read the launcher's input file '" + path + "'");
  }
  vm::InputValues inputs;
  if (st.st_size > 0) {
    void *map = ::mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED)
      throw std::runtime_error("cannot map the launcher's input file '" + path + "'");
    try {
      inputs = cluster::parseRawInputs({static_cast<const char *>(map), size_t(st.st_size)});
    } catch (...) {
      ::munmap(map, size_t(st.st_size));
      throw;
    }
    ::munmap(map, size_t(st.st_size));
  } else {
    ::close(fd);
  }
  for (const auto &kv : inputs) {
    const std::string &name = kv.first;
    auto e = std::find_if(prog.inputs.begin(), prog.inputs.end(),
                          [&](const bc::IoEntry &x) { return x.name == name; });
    if (e == prog.inputs.end() || e->party != id) {
      std::string why = "the launcher's input file names '";
      why += name;
      why += "', not an input of party ";
      why += std::to_string(id);
      throw std::runtime_error(why);
    }
  }
  return inputs;
}

/// Blocks until the launcher says the program and inputs are written (one
/// byte on `fd`), then closes `fd`.
void waitForLauncher(int fd) {
  char go = 0;
  ssize_t n;
  do
    n = ::read(fd, &go, 1);
  while (n < 0 && errno == EINTR);
  ::close(fd);
  if (n != 1)
    throw std::runtime_error("the launcher stopped before handing over the program (--wait-fd " +
                             std::to_string(fd) + ")");
}

} // namespace

int cmdParty(const std::vector<std::string> &args) {
  PartyArgs a;
  if (auto rc = parseArgs(args, a)) return *rc;
  const std::string me = "party " + std::to_string(a.id);
  auto fail = [&](const std::string &msg) {
    printError(me + ": " + msg);
    return kExitFail;
  };
  auto log = [&](const std::string &msg) {
    // One write per line, so lines of concurrent nodes do not interleave.
    if (a.verbose) std::cerr << ("[" + me + "] " + msg + "\n");
  };
  try {
    net::ClusterConfig cfg = net::loadClusterConfig(a.config);
    if (a.id >= cfg.numParties())
      return fail("--id " + std::to_string(a.id) + " is not a party of " + a.config + " (it has " +
                  std::to_string(cfg.numParties()) + " parties)");
    const bc::ProtocolId protocol = *bc::protocolFromName(a.protocol);
    if (std::string why = bc::checkParties(protocol, cfg.numParties(), a.config + "'s party count");
        !why.empty())
      return fail(why);
    const bool semi2k = protocol == bc::ProtocolId::Semi2k;
    std::string pre = !semi2k                   ? "none"
                      : a.preprocessing.empty() ? (cfg.dealer ? "dealer" : "ot")
                                                : a.preprocessing;
    if (pre == "dealer" && !cfg.dealer)
      return fail("--preprocessing dealer needs a dealer in " + a.config);
    net::SecretKey key = a.keyFd ? net::readSecretKeyFd(int(a.keyFd)) : net::loadSecretKey(a.key);
    bc::Program prog;
    vm::InputValues inputs;
    auto loadJob = [&] {
      if (a.waitFd) waitForLauncher(int(a.waitFd));
      prog = readProgramFile(a.program);
      if (prog.minParties > cfg.numParties())
        throw std::runtime_error("the program needs " + std::to_string(prog.minParties) +
                                 " parties, " + a.config + " has " +
                                 std::to_string(cfg.numParties()));
      // Another party's data has no business on this node: refuse it rather
      // than silently carry it around.
      for (const auto &e : prog.inputs)
        if (e.party != a.id && a.inputs.count(e.name))
          throw std::runtime_error("input '" + e.name + "' belongs to party " +
                                   std::to_string(e.party) + "; do not give its data to " + me);
      inputs = a.rawIn.empty() ? data::loadInputs(prog, a.inputs, {a.id})
                               : loadRawInputs(a.rawIn, prog, a.id);
      for (const auto &[name, v] : inputs)
        log("input '" + name + "': " + std::to_string(v.size()) + " elements");
      log("program " + a.program + " verified; joining job '" + cfg.jobId + "' with " +
          std::to_string(cfg.numParties()) + " parties, protocol " + a.protocol +
          ", preprocessing " + pre);
    };
    // Standalone, a bad program or input fails before any connection; in
    // the local cluster (--wait-fd) the mesh connects while the launcher
    // still compiles and parses, and a failure here reaches the peers.
    if (!a.waitFd) loadJob();

    net::MeshOptions mo;
    if (a.verbose)
      mo.log = [me](const std::string &s) { std::cerr << ("[" + me + "] " + s + "\n"); };
    net::Mesh mesh(cfg, a.id, key, mo);
    std::vector<vm::OutputValue> outs;
    vm::ProtocolStats stats;
    double onlineSeconds = 0;
    std::string poolStatus;
    try {
      if (a.waitFd) loadJob();
      auto online = mesh.channel(net::kOnlineChannel);
      auto prech = mesh.channel(net::kPreprocChannel);
      mesh.waitReady();
      log("all nodes connected");
      std::unique_ptr<dealer::DealerClient> dc;
      std::unique_ptr<preproc::TriplePool> pool;
      vm::Preprocessing *pp = nullptr;
      if (pre == "dealer") {
        dc = std::make_unique<dealer::DealerClient>(*prech, cfg.numParties());
        dc->prefetch(prog);
        pp = dc.get();
      } else if (pre == "ot") {
        // OT material is made by a background thread into bounded pools,
        // ahead of the online phase, on the preprocessing channel.
        preproc::OtOptions opt;
        opt.parties = cfg.numParties(); // the mesh may also reach a dealer node
        pool = preproc::makePooledPreprocessing(*prech, preproc::makeOtPreprocessing(*prech, opt),
                                                [&] {
                                                  auto pc = poolConfig(prog, cfg.numParties());
                                                  // Each wait is logged with --verbose; --stats
                                                  // prints the totals.
                                                  pc.log = [&](const std::string &m) { log(m); };
                                                  return pc;
                                                }());
        pp = pool.get();
      }
      // Declared after the material sources: destroyed before them.
      std::unique_ptr<vm::Protocol> protoPtr;
      if (semi2k)
        protoPtr = std::make_unique<semi2k::Semi2k>(*online, *pp);
      else if (protocol == bc::ProtocolId::Rep3)
        protoPtr = std::make_unique<rep3::Rep3>(*online);
      else // shamir's material is made in the background on the preprocessing channel
        protoPtr = std::make_unique<shamir::Shamir>(*online, *prech,
                                                    shamir::materialConfigFor(prog.needs));
      vm::Protocol &proto = *protoPtr;
      vm::RunOptions ro;
      ro.maxSteps = a.maxSteps;
      // Online time: the program itself, from the moment every party has
      // its job loaded (the start barrier), so neither a party's start-up
      // nor its wait for a slower one counts (docs/running.md).
      net::startTogether(*online);
      const auto t0 = std::chrono::steady_clock::now();
      outs = vm::run(prog, proto, inputs, ro);
      onlineSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      stats = proto.stats();
      if (dc) dc->finish();
      if (pool) poolStatus = pool->statusLine();
      log("program finished: " + std::to_string(stats.rounds) + " rounds");
    } catch (const std::exception &e) {
      // The peers learn why this party fails the job, so they report the
      // root cause (say, a third party gone silent) rather than this
      // party's departure. Error texts never hold secret values.
      mesh.close(errorText(e));
      throw;
    }
    mesh.close();
    std::cout << data::formatOutputsText(outs, prog.fracBits);
    std::cout.flush();
    if (!a.outputJson.empty()) {
      std::ofstream f(a.outputJson);
      f << data::outputsJson(outs, prog.fracBits).dump(2) << "\n";
      if (!f) return fail("cannot write '" + a.outputJson + "'");
    }
    if (!a.rawOut.empty()) writeRaw(a.rawOut, outs, stats, onlineSeconds, poolStatus);
    if (a.stats)
      std::cerr << ("stats (" + me + "): " + vm::statsText(stats) + ", online " +
                    std::to_string(onlineSeconds) + " s\n" +
                    (poolStatus.empty() ? "" : "stats (" + me + "): " + poolStatus + "\n"));
    return kExitOk;
  } catch (const std::exception &e) {
    // Every error type of the layers below is written never to hold data.
    return fail(errorText(e));
  }
}

} // namespace smpc::cli

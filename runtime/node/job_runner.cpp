//===- job_runner.cpp - stored shares in, output shares out ---------------===//
#include "runtime/node/job_runner.h"

#include "runtime/node/protocols.h"
#include "vm/core/errors.h"
#include "vm/core/machine.h"
#include "vm/crypto/prg.h"

#include <algorithm>
#include <chrono>
#include <sodium.h>
#include <stdexcept>

namespace smpc::node {

namespace {

void wipe(std::vector<uint64_t> &v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size() * sizeof(uint64_t));
}

/// Wraps the job's protocol: `input` takes this node's stored additive
/// share (imported into the protocol's sharing), and a secret `output`
/// keeps this node's additive share instead of opening it. Every other
/// operation goes to the real protocol unchanged.
class NodeIo final : public vm::Protocol {
public:
  NodeIo(JobProtocol &jp, const bc::Program &prog,
         std::map<std::string, std::vector<uint64_t>> &inputs)
      : jp_(jp), inner_(jp.protocol()), prog_(prog), inputs_(inputs),
        shared_(prog.outputs.size(), false) {}
  std::string_view name() const override { return inner_.name(); }
  uint32_t partyId() const override { return inner_.partyId(); }
  uint32_t numParties() const override { return inner_.numParties(); }
  uint32_t shareWidth() const override { return inner_.shareWidth(); }
  void classify(std::span<const uint64_t> p, std::span<vm::Share> out) override {
    inner_.classify(p, out);
  }
  void addPublic(std::span<const vm::Share> s, std::span<const uint64_t> p,
                 std::span<vm::Share> out) override {
    inner_.addPublic(s, p, out);
  }
  void runGroup(std::span<vm::InteractiveOp> ops) override {
    constexpr std::size_t kImportPart = std::size_t(-1);
    const uint32_t w = shareWidth(), parties = numParties();
    std::vector<vm::InteractiveOp> rest;
    std::vector<std::size_t> restAt;
    // An input under a non-additive protocol: every party shares its
    // additive share (parts[p] = the sharing party p made); op.out := sum.
    struct Import {
      vm::InteractiveOp *op;
      std::vector<std::vector<uint64_t>> parts;
      Import(vm::InteractiveOp *o, uint32_t parties)
          : op(o), parts(parties, std::vector<uint64_t>(o->out.size())) {}
      Import(Import &&) = default;
      ~Import() {
        for (auto &part : parts)
          wipe(part);
      }
    };
    std::vector<Import> imports;
    imports.reserve(ops.size());
    for (std::size_t i = 0; i < ops.size(); ++i) {
      vm::InteractiveOp &op = ops[i];
      if (op.op == bc::Op::Input) {
        const bc::IoEntry &e = prog_.inputs.at(op.io);
        auto it = inputs_.find(e.name);
        const std::size_t n = op.out.size() / w;
        if (it == inputs_.end() || it->second.size() != n)
          throw vm::ProtocolError("input '" + e.name +
                                  "': this node holds no share of the right "
                                  "length for it");
        if (jp_.additive()) {
          std::copy(it->second.begin(), it->second.end(), op.out.begin());
          continue;
        }
        Import &im = imports.emplace_back(&op, parties);
        for (uint32_t p = 0; p < parties; ++p) {
          vm::InteractiveOp in{};
          in.op = bc::Op::Input;
          in.owner = p;
          in.io = op.io;
          if (p == partyId()) in.x = it->second;
          in.out = im.parts[p];
          rest.push_back(in);
          restAt.push_back(kImportPart);
        }
      } else if (op.op == bc::Op::OutputS) {
        if (op.x.size() != op.out.size() * w)
          throw vm::ProtocolError("output.s: operand and result lengths do not match");
        jp_.toAdditive(op.x, op.out);
        op.receives = true;
        shared_.at(op.io) = true;
      } else {
        rest.push_back(op);
        restAt.push_back(i);
      }
    }
    if (rest.empty()) return;
    inner_.runGroup(rest);
    for (std::size_t k = 0; k < rest.size(); ++k)
      if (restAt[k] != kImportPart) ops[restAt[k]].receives = rest[k].receives;
    // Sharings are linear word by word: the sum of the N sharings is a
    // sharing of the sum of the additive shares, the stored value.
    for (Import &im : imports) {
      std::fill(im.op->out.begin(), im.op->out.end(), 0);
      for (const auto &part : im.parts)
        for (std::size_t j = 0; j < part.size(); ++j)
          im.op->out[j] += part[j];
    }
  }
  vm::ProtocolStats stats() const override { return inner_.stats(); }
  /// True when output `i` came back as a share (secret), false when public.
  bool shared(std::size_t i) const { return shared_[i]; }

private:
  JobProtocol &jp_;
  vm::Protocol &inner_;
  const bc::Program &prog_;
  std::map<std::string, std::vector<uint64_t>> &inputs_;
  std::vector<bool> shared_;
};

/// Adds a fresh sharing of zero to this node's output shares. Without it a
/// share is a function of the node's state (its input shares and material:
/// `x + x` hands out twice this node's share of x, the same in every job),
/// so a recipient would learn more than the value. Each pair of parties
/// i < j shares a seed (i draws it, sends it on the job's authenticated
/// channel); i adds the seed's stream, j subtracts it. The outputs are then
/// uniformly random shares of the same values, for clients and for stored
/// datasets alike. Costs one message to each peer.
void addZeroSharing(vm::Channel &ch,
                    std::vector<std::pair<bc::IoEntry, std::vector<uint64_t>>> &outs) {
  const uint32_t me = ch.self(), n = ch.parties();
  std::vector<crypto::Seed> seeds(n);
  for (uint32_t j = me + 1; j < n; ++j) {
    seeds[j] = crypto::seed_keygen();
    ch.send(j, seeds[j]);
  }
  for (uint32_t j = 0; j < me; ++j) {
    auto got = ch.recv(j);
    if (got.size() != crypto::kSeedBytes) {
      sodium_memzero(got.data(), got.size());
      throw vm::ProtocolError("party " + std::to_string(j) +
                              " sent a malformed output mask seed (" + std::to_string(got.size()) +
                              " bytes)");
    }
    std::copy(got.begin(), got.end(), seeds[j].begin());
    sodium_memzero(got.data(), got.size());
  }
  std::vector<uint64_t> block(4096);
  for (uint32_t j = 0; j < n; ++j) {
    if (j == me) continue;
    crypto::Prg prg(seeds[j]);
    sodium_memzero(seeds[j].data(), seeds[j].size());
    for (auto &[entry, share] : outs)
      for (std::size_t at = 0; at < share.size(); at += block.size()) {
        const std::size_t len = std::min(block.size(), share.size() - at);
        prg.fill(std::span<uint64_t>(block).first(len));
        for (std::size_t i = 0; i < len; ++i)
          share[at + i] += j > me ? block[i] : -block[i];
      }
  }
  wipe(block);
}

} // namespace

JobResult runJob(const JobRun &r) {
  struct WipeInputs {
    std::map<std::string, std::vector<uint64_t>> *in;
    ~WipeInputs() {
      for (auto &[n, v] : *in)
        wipe(v);
    }
  } wiper{r.inputs};
  const auto pid = nodeProtocol(r.protocol);
  if (!pid)
    throw std::runtime_error("protocol '" + r.protocol +
                             "' is not available (available: " + nodeProtocolNames() + ")");
  auto proto = makeJobProtocol(*pid, *r.online, *r.background, r.pre, *r.program);
  NodeIo io(*proto, *r.program, *r.inputs);
  vm::RunOptions ro;
  ro.maxSteps = r.maxSteps;
  ro.allOutputs = true;
  const auto t0 = std::chrono::steady_clock::now();
  // The VM hands an owner's "plaintext" to the protocol; NodeIo ignores it
  // and gives every party its own share. Passing the shares keeps the VM's
  // presence and length checks meaningful.
  auto outs = vm::run(*r.program, io, *r.inputs, ro);
  JobResult res;
  res.onlineSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  res.stats = io.stats();
  const bc::Program &prog = *r.program;
  const bool first = r.online->self() == 0;
  for (std::size_t i = 0; i < prog.outputs.size(); ++i) {
    auto it = std::find_if(outs.begin(), outs.end(), [&](const vm::OutputValue &o) {
      return o.entry.name == prog.outputs[i].name;
    });
    if (it == outs.end())
      throw std::runtime_error("output '" + prog.outputs[i].name + "' was never produced");
    std::vector<uint64_t> share = std::move(it->data);
    // A public output is known to every node: party 0 holds it as its share.
    if (!io.shared(i) && !first) std::fill(share.begin(), share.end(), 0);
    res.outputs.emplace_back(prog.outputs[i], std::move(share));
  }
  for (auto &o : outs)
    wipe(o.data);
  if (!res.outputs.empty()) addZeroSharing(*r.online, res.outputs);
  return res;
}

} // namespace smpc::node

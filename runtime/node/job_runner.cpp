//===- job_runner.cpp - stored shares in, output shares out ---------------===//
#include "runtime/node/job_runner.h"

#include "runtime/node/protocols.h"
#include "vm/core/errors.h"
#include "vm/core/machine.h"

#include <algorithm>
#include <chrono>
#include <sodium.h>
#include <stdexcept>

namespace smpc::node {

namespace {

void wipe(std::vector<uint64_t> &v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size() * sizeof(uint64_t));
}

/// Wraps the job's protocol: `input` takes this node's stored share, and a
/// secret `output` keeps this node's share instead of opening it. Every
/// other operation goes to the real protocol unchanged.
class NodeIo final : public vm::Protocol {
public:
  NodeIo(vm::Protocol &inner, const bc::Program &prog,
         std::map<std::string, std::vector<uint64_t>> &inputs)
      : inner_(inner), prog_(prog), inputs_(inputs), shared_(prog.outputs.size(), false) {}
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
    std::vector<vm::InteractiveOp> rest;
    std::vector<std::size_t> restAt;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      vm::InteractiveOp &op = ops[i];
      if (op.op == bc::Op::Input) {
        const bc::IoEntry &e = prog_.inputs.at(op.io);
        auto it = inputs_.find(e.name);
        if (it == inputs_.end() || it->second.size() != op.out.size())
          throw vm::ProtocolError("input '" + e.name +
                                  "': this node holds no share of the right "
                                  "length for it");
        std::copy(it->second.begin(), it->second.end(), op.out.begin());
      } else if (op.op == bc::Op::OutputS) {
        std::copy(op.x.begin(), op.x.end(), op.out.begin());
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
      ops[restAt[k]].receives = rest[k].receives;
  }
  vm::ProtocolStats stats() const override { return inner_.stats(); }
  /// True when output `i` came back as a share (secret), false when public.
  bool shared(std::size_t i) const { return shared_[i]; }

private:
  vm::Protocol &inner_;
  const bc::Program &prog_;
  std::map<std::string, std::vector<uint64_t>> &inputs_;
  std::vector<bool> shared_;
};

} // namespace

JobResult runJob(const JobRun &r) {
  struct WipeInputs {
    std::map<std::string, std::vector<uint64_t>> *in;
    ~WipeInputs() {
      for (auto &[n, v] : *in)
        wipe(v);
    }
  } wiper{r.inputs};
  const ProtocolEntry *pe = findProtocol(r.protocol);
  if (!pe) throw std::runtime_error("protocol '" + r.protocol + "' is not available");
  if (!pe->additive)
    throw std::runtime_error("protocol '" + r.protocol +
                             "' cannot read stored datasets yet (they are additive shares)");
  auto proto = pe->make(*r.online, *r.pre);
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
  return res;
}

} // namespace smpc::node

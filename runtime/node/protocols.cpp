//===- protocols.cpp - building a job's protocol; shares to additive ones -===//
#include "runtime/node/protocols.h"

#include "vm/protocols/rep3/rep3.h"
#include "vm/protocols/semi2k/semi2k.h"
#include "vm/protocols/shamir/shamir.h"

#include <algorithm>
#include <stdexcept>

namespace smpc::node {

namespace {

/// Whether a node runs `p`: every protocol of several parties.
bool runsOnNodes(bc::ProtocolId p) {
  return bc::info(p).maxParties > 1;
}

class Semi2kJob final : public JobProtocol {
public:
  Semi2kJob(vm::Channel &online, vm::Preprocessing &pre) : p_(online, pre) {}
  vm::Protocol &protocol() override { return p_; }
  bool additive() const override { return true; }
  void toAdditive(std::span<const vm::Share> x, std::span<uint64_t> out) override {
    std::copy(x.begin(), x.begin() + std::ptrdiff_t(out.size()), out.begin());
  }

private:
  semi2k::Semi2k p_;
};

class Rep3Job final : public JobProtocol {
public:
  explicit Rep3Job(vm::Channel &online) : p_(online) {}
  vm::Protocol &protocol() override { return p_; }
  bool additive() const override { return false; }
  void toAdditive(std::span<const vm::Share> x, std::span<uint64_t> out) override {
    // Party i holds (x_i, x_{i+1}) in its two planes: plane 0 of the three
    // parties are x_0, x_1, x_2, which add up to x.
    std::copy(x.begin(), x.begin() + std::ptrdiff_t(out.size()), out.begin());
  }

private:
  rep3::Rep3 p_;
};

class ShamirJob final : public JobProtocol {
public:
  ShamirJob(vm::Channel &online, vm::Channel &background, const bc::Program &prog)
      : p_(online, background, shamir::materialConfigFor(prog.needs)) {}
  vm::Protocol &protocol() override { return p_; }
  bool additive() const override { return false; }
  void toAdditive(std::span<const vm::Share> x, std::span<uint64_t> out) override {
    // x = f(0) is a constant of GR(2^64, d) and f(0) = sum over parties
    // 0..t of lambda_i f(alpha_i): the constant coefficients of those terms
    // add up to x, the parties after t hold 0.
    const shamir::Params &P = p_.params();
    const uint32_t me = p_.partyId();
    if (me >= P.lamQ.size()) return std::fill(out.begin(), out.end(), 0);
    shamir::coef0Vec(P.ext, shamir::coef0Row(P.ext, P.lamQ[me]), x.data(), out.data(), out.size());
  }

private:
  shamir::Shamir p_;
};

} // namespace

std::optional<bc::ProtocolId> nodeProtocol(const std::string &name) {
  auto p = bc::protocolFromName(name);
  if (!p || !runsOnNodes(*p)) return std::nullopt;
  return p;
}

std::string nodeProtocolNames() {
  std::string out;
  for (unsigned i = 0; i < bc::kNumProtocols; ++i)
    if (runsOnNodes(bc::ProtocolId(i)))
      out += (out.empty() ? "" : ", ") + std::string(bc::kProtocolInfo[i].name);
  return out;
}

std::unique_ptr<JobProtocol> makeJobProtocol(bc::ProtocolId p, vm::Channel &online,
                                             vm::Channel &background, vm::Preprocessing *material,
                                             const bc::Program &prog) {
  switch (p) {
  case bc::ProtocolId::Semi2k:
    if (!material) throw std::logic_error("semi2k needs the job's preprocessing material");
    return std::make_unique<Semi2kJob>(online, *material);
  case bc::ProtocolId::Rep3:
    return std::make_unique<Rep3Job>(online);
  case bc::ProtocolId::Shamir:
    return std::make_unique<ShamirJob>(online, background, prog);
  case bc::ProtocolId::Clear:
    break;
  }
  throw std::runtime_error("protocol '" + std::string(bc::info(p).name) +
                           "' does not run on nodes (available: " + nodeProtocolNames() + ")");
}

} // namespace smpc::node

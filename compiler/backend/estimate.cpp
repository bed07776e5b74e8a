//===- estimate.cpp - rounds, preprocessing and traffic of a module --------===//
//
// Prices every interactive instruction with bc::opCost (the figures the
// protocol itself accounts with), multiplies loop bodies by their trip count
// when the bounds are constants, and counts round groups as the emitter will
// emit them: a group costs the rounds of its slowest member. Also computes
// the multiplicative depth (critical path in rounds), the lower bound that
// scheduling aims for. Linear in the program size, independent of trip counts.
//===----------------------------------------------------------------------===//
#include "compiler/backend/backend.h"
#include "compiler/backend/layout.h"
#include "vm/bytecode/cost.h"

#include <algorithm>
#include <sstream>

namespace smpc::backend {

using namespace ir;

namespace {

using bc::satAdd;
using bc::satMul;

// Why the needs are not exact, for the report.
const char *inexactReason(bc::NeedsPrecision p) {
  switch (p) {
  case bc::NeedsPrecision::PerIteration:
    return "loops with a run-time trip count are counted once";
  case bc::NeedsPrecision::UpperBound:
    return "an upper bound: public branches whose arms differ are counted at their costlier arm";
  case bc::NeedsPrecision::Exact:
    break;
  }
  return "";
}

struct Tally {
  uint64_t rounds = 0;
  std::vector<uint64_t> bytes;                // sent by each party (empty: none yet)
  uint64_t truncations = 0, ltz = 0, eqz = 0; // elements, for the report
  std::string unsupported;                    // the first instruction the protocol refuses
  bc::PreprocNeeds needs;

  void add(const Tally &o, uint64_t times) {
    if (unsupported.empty()) unsupported = o.unsupported;
    rounds = satAdd(rounds, satMul(o.rounds, times));
    if (bytes.size() < o.bytes.size()) bytes.resize(o.bytes.size());
    for (size_t p = 0; p < o.bytes.size(); ++p)
      bytes[p] = satAdd(bytes[p], satMul(o.bytes[p], times));
    truncations = satAdd(truncations, satMul(o.truncations, times));
    ltz = satAdd(ltz, satMul(o.ltz, times));
    eqz = satAdd(eqz, satMul(o.eqz, times));
    needs.material.add(o.needs.material, times);
    needs.precision = bc::combine(needs.precision, o.needs.precision);
  }
  bool sameCost(const Tally &o) const {
    return rounds == o.rounds && bytes == o.bytes && truncations == o.truncations && ltz == o.ltz &&
           eqz == o.eqz && needs.material == o.needs.material;
  }
  void maxWith(const Tally &o) {
    if (unsupported.empty()) unsupported = o.unsupported;
    rounds = std::max(rounds, o.rounds);
    if (bytes.size() < o.bytes.size()) bytes.resize(o.bytes.size());
    for (size_t p = 0; p < o.bytes.size(); ++p)
      bytes[p] = std::max(bytes[p], o.bytes[p]);
    truncations = std::max(truncations, o.truncations);
    ltz = std::max(ltz, o.ltz);
    eqz = std::max(eqz, o.eqz);
    needs.material.maxWith(o.needs.material);
    needs.precision = bc::combine(needs.precision, o.needs.precision);
  }
};

class Estimator {
public:
  Estimator(const Module &m, const Function &f, uint32_t parties, bc::ProtocolId protocol)
      : m(m), f(f), parties(parties), protocol(protocol), constOf(f.values.size(), nullptr),
        fin(f.values.size(), 0) {}

  Tally total() {
    collectConsts(f.body);
    return block(f.body);
  }
  uint64_t depth() {
    collectConsts(f.body);
    return depthOf(f.body, 0);
  }

private:
  const Module &m;
  const Function &f;
  uint32_t parties;
  bc::ProtocolId protocol;
  std::vector<const std::vector<uint64_t> *> constOf;
  std::vector<uint64_t> fin; // finish time of each value (critical path)

  void collectConsts(const Block &b) {
    for (const auto &in : b.insts) {
      if (in->kind == IrOp::Const) constOf[in->results[0]] = &in->constData;
      for (const Block &r : in->regions)
        collectConsts(r);
    }
  }

  // Trip count of a For, or nullopt when a bound is not a constant.
  std::optional<uint64_t> trips(const Inst &in) const {
    const auto *lo = constOf[in.operands[0]], *hi = constOf[in.operands[1]];
    if (!lo || !hi) return std::nullopt;
    int64_t l = int64_t((*lo)[0]), h = int64_t((*hi)[0]);
    return h > l ? uint64_t(h) - uint64_t(l) : 0;
  }

  bc::OpShape shape(const Inst &in) const {
    bc::OpShape s;
    if (!in.results.empty())
      s.len = f.type(in.results[0]).len();
    else if (!in.operands.empty())
      s.len = f.type(in.operands[0]).len();
    if (in.op == bc::Op::MatMulSS) {
      s.m = uint32_t(in.imms[0]);
      s.k = uint32_t(in.imms[1]);
      s.n = uint32_t(in.imms[2]);
    }
    if (in.op == bc::Op::ShuffleS) s.width = uint32_t(in.imms[0]);
    if (in.op == bc::Op::OutputS && uint64_t(in.imms[0]) < m.outputs.size())
      s.recipients = m.outputs[in.imms[0]].recipients;
    if (in.op == bc::Op::Input && uint64_t(in.imms[0]) < m.inputs.size())
      s.owner = m.inputs[in.imms[0]].party;
    return s;
  }

  Tally block(const Block &b) {
    Tally t;
    std::vector<uint32_t> runs = roundRuns(f, b);
    uint32_t groupRounds = 0;
    size_t groupEnd = 0;
    for (size_t i = 0; i < b.insts.size(); ++i) {
      const Inst &in = *b.insts[i];
      if (runs[i] > 0) {
        t.rounds += groupRounds;
        groupRounds = 0;
        groupEnd = i + runs[i];
      }
      if (in.kind == IrOp::Bc && bc::isInteractive(in.op)) {
        const bc::OpShape s = shape(in);
        bc::OpCost c = bc::opCost(in.op, s, parties, protocol);
        groupRounds = std::max(groupRounds, c.rounds);
        if (c.unsupported && t.unsupported.empty())
          t.unsupported = std::string(bc::info(in.op).mnemonic);
        t.bytes.resize(parties);
        for (uint32_t p = 0; p < parties; ++p)
          t.bytes[p] = satAdd(t.bytes[p], bc::opBytesSent(in.op, s, parties, p, protocol));
        t.truncations = satAdd(t.truncations, c.truncations);
        t.ltz = satAdd(t.ltz, c.ltz);
        t.eqz = satAdd(t.eqz, c.eqz);
        // The bytecode's needs are semi2k's material whatever is priced.
        t.needs.material.add(bc::opMaterial(in.op, s, parties));
      }
      if (i + 1 == groupEnd) {
        t.rounds += groupRounds;
        groupRounds = 0;
      }
      switch (in.kind) {
      case IrOp::For: {
        std::optional<uint64_t> n = trips(in);
        Tally body = block(in.regions[0]);
        if (!n) body.needs.precision = bc::NeedsPrecision::PerIteration;
        t.add(body, n ? *n : 1);
        break;
      }
      case IrOp::If: {
        // The costlier branch is counted; if they differ the count is an
        // upper bound, not exact.
        Tally a = block(in.regions[0]), b = block(in.regions[1]);
        const bool same = a.sameCost(b);
        a.maxWith(b);
        if (!same)
          a.needs.precision = bc::combine(a.needs.precision, bc::NeedsPrecision::UpperBound);
        t.add(a, 1);
        break;
      }
      case IrOp::While: {
        Tally once = block(in.regions[0]);
        once.add(block(in.regions[1]), 1);
        once.needs.precision = bc::NeedsPrecision::PerIteration;
        t.add(once, 1);
        break;
      }
      case IrOp::Call:
        t.add(block(m.functions[in.callee].body), 1);
        break;
      case IrOp::Bc:
      case IrOp::Const:
      case IrOp::Return:
      case IrOp::Yield:
      case IrOp::Condition:
        break;
      }
    }
    return t;
  }

  // Latest finish time of the values an instruction (and its regions) reads.
  uint64_t readyAt(const Inst &in, uint64_t start) {
    for (ValueId v : in.operands)
      start = std::max(start, fin[v]);
    for (const Block &r : in.regions)
      for (const auto &c : r.insts)
        start = readyAt(*c, start);
    return start;
  }

  // Critical path through `b` when it starts at time t0 (absolute times).
  uint64_t depthOf(const Block &b, uint64_t t0) {
    for (ValueId a : b.args)
      fin[a] = t0;
    uint64_t end = t0;
    for (const auto &ptr : b.insts) {
      const Inst &in = *ptr;
      uint64_t start = t0, finish = t0;
      switch (in.kind) {
      case IrOp::Bc:
      case IrOp::Const:
      case IrOp::Call:
      case IrOp::Return:
      case IrOp::Yield:
      case IrOp::Condition:
        for (ValueId v : in.operands)
          start = std::max(start, fin[v]);
        finish = in.kind == IrOp::Bc ? start + bc::opRounds(in.op, parties, protocol) : start;
        break;
      case IrOp::For: {
        start = readyAt(in, t0);
        uint64_t d = depthOf(in.regions[0], start) - start;
        std::optional<uint64_t> n = trips(in);
        finish = satAdd(start, satMul(d, n ? *n : 1));
        break;
      }
      case IrOp::If:
        start = readyAt(in, t0);
        finish = std::max(depthOf(in.regions[0], start), depthOf(in.regions[1], start));
        break;
      case IrOp::While: {
        start = readyAt(in, t0);
        uint64_t mid = depthOf(in.regions[0], start);
        finish = depthOf(in.regions[1], mid);
        break;
      }
      }
      for (ValueId r : in.results)
        fin[r] = finish;
      end = std::max(end, finish);
    }
    return end;
  }
};

} // namespace

Cost estimate(const Module &m, uint32_t parties, bc::ProtocolId protocol) {
  Cost c;
  if (m.mainIndex >= m.functions.size()) return c;
  const Function &f = m.functions[m.mainIndex];
  Tally t = Estimator(m, f, parties, protocol).total();
  uint64_t depth = Estimator(m, f, parties, protocol).depth();
  c.rounds = t.rounds;
  // The busiest party's total: each party's own sum, not the sum of each
  // instruction's busiest party (an input costs its owner only).
  c.bytesPerParty = t.bytes.empty() ? 0 : *std::max_element(t.bytes.begin(), t.bytes.end());
  c.needs = t.needs;
  c.needs.rounds = t.rounds;
  std::ostringstream os;
  os << "protocol: " << bc::info(protocol).name << "\n"
     << "parties: " << parties << "\n"
     << "rounds: " << c.rounds << "\n"
     << "depth: " << depth << "\n";
  if (bc::info(protocol).preprocessing) {
    for (bc::Material k : bc::kAllMaterials)
      os << bc::info(k).name << ": " << c.needs.material[k] << "\n";
  } else {
    os << "preprocessing: "
       << (protocol == bc::ProtocolId::Shamir
               ? "made by the parties in the background (double sharings, random bits, daBits), "
                 "not counted here"
               : "none")
       << "\n"
       << "truncations: " << t.truncations << "\n";
  }
  os << "ltz: " << t.ltz << "\n"
     << "eqz: " << t.eqz << "\n"
     << "bytes/party: " << c.bytesPerParty << "\n"
     << "exact: "
     << (c.needs.exact() ? std::string("yes")
                         : "no (" + std::string(inexactReason(c.needs.precision)) + ")")
     << "\n";
  if (!t.unsupported.empty())
    os << "unsupported: " << t.unsupported << " is refused under " << bc::info(protocol).name
       << " at run time; run the program under semi2k\n";
  c.text = os.str();
  return c;
}

} // namespace smpc::backend

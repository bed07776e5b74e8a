//===- shamir.cpp - seeds, local operations and the primitives ------------===//
#include "vm/protocols/shamir/shamir.h"

#include "vm/core/errors.h"
#include "vm/protocols/common/bits.h"

#include <algorithm>
#include <cstring>
#include <sodium.h>
#include <string>

namespace smpc::shamir {

namespace {

/// A task that is finished when made (material taken from the pool).
class ReadyTask final : public hm::Task {
public:
  ReadyTask() { done_ = true; }
  void send(Exchange &) override {}
  void receive(Exchange &) override {}
};

/// trunc.s as in semi2k (docs/protocols.md), with r = sum 2^i b_i for 64
/// random bits b_i, so msb = b_63 and high = sum_{f<=i<63} 2^(i-f) b_i are
/// linear in them: open c = x + 2^62 + r, then
/// result = (c mod 2^63 >> f) - 2^(62-f) + b 2^(63-f) - high with
/// b = msb(c) XOR b_63.
class TruncTask final : public hm::Task {
public:
  TruncTask(Shamir &p, vm::InteractiveOp &op)
      : out_(op.out), d_(p.params().d()), n_(op.out.size() / d_), f_(op.shift) {
    const size_t n = n_, dn = d_ * n;
    Words bits = Words::uninit(64 * dn);
    p.material().take(Kind::RandBit, 64 * n, bits.span());
    msb_ = Words(dn), high_ = Words(dn);
    Words masked(dn);
    for (uint32_t q = 0; q < d_; ++q) {
      const uint64_t *bq = bits.data() + q * 64 * n;
      for (size_t e = 0; e < n; ++e) {
        const uint64_t *be = bq + e * 64;
        uint64_t r = 0, high = 0;
        for (unsigned b = 0; b < 64; ++b)
          r += be[b] << b;
        for (unsigned b = f_; b < 63; ++b)
          high += be[b] << (b - f_);
        masked[q * n + e] = op.x[q * n + e] + r;
        msb_[q * n + e] = be[63];
        high_[q * n + e] = high;
      }
    }
    for (size_t e = 0; e < n; ++e)
      masked[e] += uint64_t(1) << 62; // a public constant: plane 0
    masked_ = std::move(masked);
    c_ = Words(n);
    step_ = makeOpen<ArithAlg>(p.ctx(), false, masked_.span(), c_.span(), n,
                               std::vector<bool>(p.numParties(), true));
  }
  void send(Exchange &ex) override { step_->send(ex); }
  void receive(Exchange &ex) override {
    step_->receive(ex);
    const uint32_t f = f_;
    const uint64_t low63 = ~(uint64_t(1) << 63), top = uint64_t(1) << (63 - f);
    for (uint32_t q = 0; q < d_; ++q)
      for (size_t e = 0; e < n_; ++e) {
        const uint64_t cm = c_[e] >> 63;
        out_[q * n_ + e] = msb_[q * n_ + e] * (1 - 2 * cm) * top - high_[q * n_ + e];
      }
    for (size_t e = 0; e < n_; ++e) {
      const uint64_t cm = c_[e] >> 63;
      out_[e] += ((c_[e] & low63) >> f) - (uint64_t(1) << (62 - f)) + cm * top;
    }
    done_ = true;
  }

private:
  std::span<uint64_t> out_;
  uint32_t d_;
  size_t n_;
  uint32_t f_;
  Words msb_, high_, masked_, c_;
  std::unique_ptr<hm::Step> step_;
};

} // namespace

// The lower id of each pair draws the pair's seed; the lowest member of each
// set of t+1 parties draws the set's seed (the shuffle's), sent to the other
// members in the same message as the pair seed: pair seed, then the set
// seeds in set order.
Shamir::JobSeeds Shamir::agreeSeeds(vm::Channel &ch) {
  const Params P = Params::make(ch.parties()); // refuses a party count out of range first
  const uint32_t me = ch.self(), n = ch.parties();
  JobSeeds js;
  js.pair.resize(n);
  js.set.resize(P.sets.size());
  auto member = [&](size_t s, uint32_t p) {
    return std::find(P.sets[s].begin(), P.sets[s].end(), p) != P.sets[s].end();
  };
  for (size_t s = 0; s < P.sets.size(); ++s)
    if (P.sets[s][0] == me) js.set[s] = crypto::seed_keygen();
  for (uint32_t j = me + 1; j < n; ++j) {
    js.pair[j] = crypto::seed_keygen();
    std::vector<uint8_t> msg(js.pair[j].begin(), js.pair[j].end());
    for (size_t s = 0; s < P.sets.size(); ++s)
      if (P.sets[s][0] == me && member(s, j))
        msg.insert(msg.end(), js.set[s].begin(), js.set[s].end());
    ch.send(j, msg);
    sodium_memzero(msg.data(), msg.size());
  }
  for (uint32_t j = 0; j < me; ++j) {
    std::vector<size_t> mine; // sets led by j that include me
    for (size_t s = 0; s < P.sets.size(); ++s)
      if (P.sets[s][0] == j && member(s, me)) mine.push_back(s);
    std::vector<uint8_t> m = ch.recv(j);
    if (m.size() != crypto::kSeedBytes * (1 + mine.size())) {
      sodium_memzero(m.data(), m.size());
      throw vm::ProtocolError("shamir: party " + std::to_string(j) +
                              " sent a malformed seed message at the start of the job");
    }
    std::memcpy(js.pair[j].data(), m.data(), crypto::kSeedBytes);
    for (size_t i = 0; i < mine.size(); ++i)
      std::memcpy(js.set[mine[i]].data(), m.data() + crypto::kSeedBytes * (1 + i),
                  crypto::kSeedBytes);
    sodium_memzero(m.data(), m.size());
  }
  return js;
}

Shamir::Shamir(vm::Channel &online, vm::Channel &background, MaterialConfig cfg)
    : Shamir(online, background, cfg, agreeSeeds(online)) {}

Shamir::Shamir(vm::Channel &online, vm::Channel &background, MaterialConfig cfg, JobSeeds seeds)
    : hm::HmProtocol(online), P_(Params::make(online.parties())), seeds_(std::move(seeds.pair)),
      streams_(online.self(), seeds_, 0), ctx_{P_, online.self(), streams_} {
  ctx_.cache = &cache_;
  setStreams_.resize(P_.sets.size());
  for (size_t s = 0; s < P_.sets.size(); ++s) {
    if (std::find(P_.sets[s].begin(), P_.sets[s].end(), online.self()) != P_.sets[s].end())
      setStreams_[s] = std::make_unique<crypto::Prg>(seeds.set[s]);
    sodium_memzero(seeds.set[s].data(), seeds.set[s].size());
  }
  if (background.self() != online.self() || background.parties() < online.parties())
    throw vm::ProtocolError("shamir: the background channel does not connect the same parties "
                            "as the online channel");
  mat_ = std::make_unique<Material>(background, P_, seeds_, cfg);
}

Shamir::~Shamir() {
  mat_.reset();
  for (auto &s : seeds_)
    sodium_memzero(s.data(), s.size());
}

void Shamir::runGroup(std::span<vm::InteractiveOp> ops) {
  struct Online { // the pools are refilled between groups, not during one
    Material &m;
    explicit Online(Material &mat) : m(mat) { m.setOnline(true); }
    ~Online() { m.setOnline(false); }
  } online(*mat_);
  hm::HmProtocol::runGroup(ops);
}

// A public value is the constant polynomial: plane 0 on every party.
void Shamir::classify(std::span<const uint64_t> p, std::span<vm::Share> out) {
  std::fill(out.begin(), out.end(), 0);
  std::copy(p.begin(), p.end(), out.begin());
}

void Shamir::addPublic(std::span<const vm::Share> s, std::span<const uint64_t> p,
                       std::span<vm::Share> out) {
  if (out.data() != s.data()) std::copy(s.begin(), s.end(), out.begin());
  for (size_t i = 0; i < p.size(); ++i)
    out[i] += p[i];
}

void Shamir::xorPublic(std::span<uint64_t> b, std::span<const uint64_t> c) {
  for (size_t i = 0; i < c.size(); ++i)
    b[i] ^= c[i];
}

// A product: the double sharings read in the pool ([r]_t and this party's
// word of r2t), then the product and this party's contribution
// (coef0(lamO[self] (x y - r2t))) in one pass; parties past 2t only use [r]_t.
// Products of arithmetic values and of bit words are the same step in two
// algebras, each with its own kind of double sharing.
template <class Alg>
std::unique_ptr<hm::Step> Shamir::product(Kind kind, std::span<const uint64_t> a,
                                          std::span<const uint64_t> b, std::span<uint64_t> out,
                                          size_t n) {
  Doubles r = mat_->takeDoubles(kind, n);
  Words mine = contributes() ? cache_.get(n) : Words();
  if (contributes())
    for (const Doubles::Piece &pc : r.pieces())
      productWords<Alg>(ctx_, a.data() + pc.begin, b.data() + pc.begin, n,
                        pc.plane(P_.d(), pc.begin), mine.data() + pc.begin, pc.count);
  return makeReduce<Alg>(ctx_, std::move(mine), std::move(r), out, n);
}

std::unique_ptr<hm::Step> Shamir::mul(std::span<const uint64_t> x, std::span<const uint64_t> y,
                                      std::span<uint64_t> z, size_t n) {
  return product<ArithAlg>(Kind::ArithDouble, x, y, z, n);
}

std::unique_ptr<hm::Step> Shamir::matmul(std::span<const uint64_t> x, std::span<const uint64_t> y,
                                         std::span<uint64_t> z, uint32_t m, uint32_t k,
                                         uint32_t n) {
  const size_t mn = size_t(m) * n, dn = size_t(P_.d()) * mn;
  Doubles r = mat_->takeDoubles(Kind::ArithDouble, mn);
  Words mine;
  if (contributes()) {
    Words prod = Words::uninit(dn);
    grMatMul(P_.ext, x.data(), y.data(), prod.data(), m, k, n);
    mine = reduceWords<ArithAlg>(ctx_, prod.data(), mn);
    for (const Doubles::Piece &pc : r.pieces()) {
      const uint64_t *w = pc.plane(P_.d(), pc.begin);
      for (size_t i = 0; i < pc.count; ++i)
        mine[pc.begin + i] -= w[i];
    }
  }
  return makeReduce<ArithAlg>(ctx_, std::move(mine), std::move(r), z, mn);
}

std::unique_ptr<hm::Step> Shamir::band(std::span<const uint64_t> a, std::span<const uint64_t> b,
                                       std::span<uint64_t> c, size_t nw) {
  return product<BoolAlg>(Kind::BoolDouble, a, b, c, nw);
}

std::unique_ptr<hm::Step> Shamir::open(std::span<const uint64_t> x, std::span<uint64_t> out,
                                       size_t n, const std::vector<bool> &to) {
  return makeOpen<ArithAlg>(ctx_, false, x, out, n, to);
}

std::unique_ptr<hm::Step> Shamir::openBool(std::span<const uint64_t> b, std::span<uint64_t> out,
                                           size_t nw) {
  return makeOpen<BoolAlg>(ctx_, false, b, out, nw, std::vector<bool>(P_.N, true));
}

std::unique_ptr<hm::Step> Shamir::input(uint32_t owner, std::span<const uint64_t> plain,
                                        std::span<uint64_t> out, size_t n) {
  return makeDeal<ArithAlg>(ctx_, owner, false, plain, out, n);
}

// x = sum over parties j <= t of coef0(lambda_j x_j) (Z_2^64 additive
// shares, each known to one party); each of them shares the bits of its part.
std::unique_ptr<hm::Step> Shamir::toBoolNumbers(std::span<const uint64_t> x, size_t n,
                                                bool minusOne, std::vector<Words> &numbers) {
  const size_t L = 64 * protocols::wordsFor(n);
  numbers.clear();
  for (uint32_t j = 0; j <= P_.t; ++j)
    numbers.emplace_back(size_t(P_.d()) * L);
  Words plain;
  const uint32_t me = partyId();
  if (me <= P_.t) {
    Words y = Words::uninit(n);
    coef0Vec(P_.ext, coef0Row(P_.ext, P_.lamQ[me]), x.data(), y.data(), n);
    if (minusOne && me == P_.t)
      for (size_t i = 0; i < n; ++i)
        y[i] -= 1;
    plain = Words::uninit(L);
    protocols::sliceBits(y.data(), n, plain.data());
  }
  auto g = std::make_unique<StepGroup>();
  for (uint32_t j = 0; j <= P_.t; ++j)
    g->add(makeDeal<BoolAlg>(ctx_, j, false, plain.span(), numbers[j].span(), L));
  return g;
}

std::unique_ptr<hm::Task> Shamir::daBits(size_t n, Words &arith, Words &bits) {
  const size_t R = protocols::wordsFor(n), d = P_.d();
  Words a = Words::uninit(d * 64 * R);
  bits = Words(d * R);
  mat_->take(Kind::DaBit64, R, a.span(), bits.span());
  arith = Words(d * n);
  for (size_t q = 0; q < d; ++q)
    std::copy(a.data() + q * 64 * R, a.data() + q * 64 * R + n, arith.data() + q * n);
  return std::make_unique<ReadyTask>();
}

std::unique_ptr<hm::Task> Shamir::trunc(vm::InteractiveOp &op) {
  return std::make_unique<TruncTask>(*this, op);
}

MaterialConfig materialConfigFor(const bc::PreprocNeeds &needs) {
  MaterialConfig c;
  using bc::Material;
  const bc::MaterialCounts &m = needs.material;
  // From semi2k's material (the bytecode's needs): a comparison takes one
  // edaBit per element under semi2k; shamir's circuits (leaves, carry-save
  // adders, tree) take about twice semi2k's AND words (~250 per ltz, ~130 per
  // eqz, 64 elements to a word).
  const uint64_t cmp = m[Material::EdaBit];
  const std::array<uint64_t, kKinds> want = {
      bc::satAdd(m[Material::Triple], m[Material::MatTriple]),
      bc::satAdd(bc::satMul(2, m[Material::BoolTriple]), 1), bc::satMul(64, m[Material::Trunc]),
      cmp / 64 + 1};
  for (size_t k = 0; k < kKinds; ++k)
    c.capacity[k] = std::clamp<size_t>(want[k], 64, c.capacity[k]);
  return c;
}

} // namespace smpc::shamir

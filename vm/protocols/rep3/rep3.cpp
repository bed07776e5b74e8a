//===- rep3.cpp - seeds, local operations and the one-round primitives ----===//
#include "vm/protocols/rep3/rep3.h"

#include "vm/core/errors.h"
#include "vm/protocols/common/bits.h"
#include "vm/protocols/hm/rows.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace smpc::rep3 {

namespace {

crypto::Seed receiveSeed(vm::Channel &ch, uint32_t from) {
  std::vector<uint8_t> msg = ch.recv(from);
  if (msg.size() != crypto::kSeedBytes)
    throw vm::ProtocolError("rep3: party " + std::to_string(from) +
                            " sent a malformed seed message at the start of the job");
  crypto::Seed s;
  std::memcpy(s.data(), msg.data(), s.size());
  sodium_memzero(msg.data(), msg.size());
  return s;
}

/// A stream of the pair seed `s` for the shuffle permutations, independent
/// of the stream keyed by `s` itself (a keyed hash of a label).
crypto::Prg shuffleStream(const crypto::Seed &s) {
  static constexpr uint8_t kLabel[] = "rep3 shuffle";
  crypto::Seed k;
  crypto_generichash(k.data(), k.size(), kLabel, sizeof kLabel, s.data(), s.size());
  crypto::Prg prg(k);
  sodium_memzero(k.data(), k.size());
  return prg;
}

/// z := the party's three local product terms of replicated x and y plus
/// its part of a zero sharing, then passed on to the previous party: the
/// result is again replicated. `local` computes the terms into zi.
class ReshareStep final : public Step {
public:
  template <class Local>
  ReshareStep(Rep3 &p, size_t n, std::span<uint64_t> z, bool boolean, Local local)
      : p_(p), n_(n), z_(z), zi_(Words::uninit(n)) {
    uint64_t *zi = zi_.data();
    p.drawZero(n, zi, boolean);
    local(zi);
  }
  void send(Exchange &ex) override { ex.put(p_.prev(), zi_.span()); }
  void receive(Exchange &ex) override {
    auto in = ex.take(p_.next(), n_);
    std::copy(zi_.data(), zi_.data() + n_, z_.begin());
    std::copy(in.begin(), in.end(), z_.begin() + ptrdiff_t(n_));
  }

private:
  Rep3 &p_;
  size_t n_;
  std::span<uint64_t> z_;
  Words zi_;
};

/// Opening: the missing slot x_{i+2} of party i is the second plane of party
/// i+1, so each party sends its second plane to the previous one when that
/// party is a recipient.
class OpenStep final : public Step {
public:
  OpenStep(Rep3 &p, std::span<const uint64_t> x, std::span<uint64_t> out, size_t n,
           const std::vector<bool> &to, bool boolean)
      : p_(p), x_(x), out_(out), n_(n), sendPrev_(to[p.prev()]), mine_(to[p.self()]),
        boolean_(boolean) {}
  void send(Exchange &ex) override {
    if (sendPrev_) ex.put(p_.prev(), x_.subspan(n_, n_));
  }
  void receive(Exchange &ex) override {
    if (!mine_) return;
    auto in = ex.take(p_.next(), n_);
    for (size_t i = 0; i < n_; ++i)
      out_[i] = boolean_ ? x_[i] ^ x_[n_ + i] ^ in[i] : x_[i] + x_[n_ + i] + in[i];
  }

private:
  Rep3 &p_;
  std::span<const uint64_t> x_;
  std::span<uint64_t> out_;
  size_t n_;
  bool sendPrev_, mine_, boolean_;
};

/// Input by `owner` k: slot k+1 is drawn from the stream the owner shares
/// with k+1, slot k+2 is zero and slot k = v - slot k+1 (XOR for booleans)
/// goes to party k+2, the owner's previous party. Only that one message.
class InputStep final : public Step {
public:
  InputStep(Rep3 &p, uint32_t owner, std::span<const uint64_t> plain, std::span<uint64_t> out,
            size_t n, bool boolean)
      : p_(p), owner_(owner), out_(out), n_(n) {
    Words ra = Words::uninit(n), rb = Words::uninit(n);
    p.draw(n, ra.data(), rb.data());
    std::fill(out.begin(), out.end(), 0);
    if (p.self() == owner) {
      sent_ = Words::uninit(n);
      for (size_t i = 0; i < n; ++i)
        sent_[i] = boolean ? plain[i] ^ rb[i] : plain[i] - rb[i];
      std::copy(sent_.data(), sent_.data() + n, out.begin());
      std::copy(rb.data(), rb.data() + n, out.begin() + ptrdiff_t(n));
    } else if (p.self() == (owner + 1) % 3) {
      std::copy(ra.data(), ra.data() + n, out.begin()); // (slot k+1, slot k+2 = 0)
    }
  }
  void send(Exchange &ex) override {
    if (p_.self() == owner_) ex.put(p_.prev(), sent_.span());
  }
  void receive(Exchange &ex) override {
    if (p_.self() != (owner_ + 2) % 3) return;
    auto in = ex.take(owner_, n_); // (slot k+2 = 0, slot k)
    std::copy(in.begin(), in.end(), out_.begin() + ptrdiff_t(n_));
  }

private:
  Rep3 &p_;
  uint32_t owner_;
  std::span<uint64_t> out_;
  size_t n_;
  Words sent_;
};

} // namespace

// Party i draws the seed of slot i+1 (held by i and i+1) and sends it to
// i+1; the seed of slot i comes from i-1. Fresh for every protocol object,
// that is for every job.
std::array<crypto::Seed, 2> Rep3::agreeSeeds(vm::Channel &ch) {
  if (ch.parties() != 3)
    throw vm::ProtocolError("rep3 needs exactly 3 parties, the job has " +
                            std::to_string(ch.parties()));
  std::array<crypto::Seed, 2> s;
  s[1] = crypto::seed_keygen();
  ch.send((ch.self() + 1) % 3, s[1]);
  s[0] = receiveSeed(ch, (ch.self() + 2) % 3);
  return s;
}

Rep3::Rep3(vm::Channel &ch) : Rep3(ch, agreeSeeds(ch)) {}

Rep3::Rep3(vm::Channel &ch, std::array<crypto::Seed, 2> seeds)
    : hm::HmProtocol(ch), slotA_(seeds[0]), slotB_(seeds[1]), own_(crypto::seed_keygen()),
      shufA_(shuffleStream(seeds[0])), shufB_(shuffleStream(seeds[1])) {
  for (auto &s : seeds)
    sodium_memzero(s.data(), s.size());
}

void Rep3::draw(size_t n, uint64_t *a, uint64_t *b) {
  Words scratch;
  if (!a || !b) scratch = Words::uninit(n);
  slotA_.fill(std::span<uint64_t>(a ? a : scratch.data(), n));
  slotB_.fill(std::span<uint64_t>(b ? b : scratch.data(), n));
}

std::vector<uint32_t> Rep3::drawShufflePerm(uint32_t which, size_t rows) {
  return hm::drawPerm(which == 0 ? shufA_ : shufB_, rows);
}

void Rep3::drawZero(size_t n, uint64_t *z, bool boolean) {
  // Slot self+1's words in blocks that stay in the cache: no second
  // n-word buffer to allocate, fault in and wipe.
  constexpr size_t kBlock = 2048;
  uint64_t b[kBlock];
  slotA_.fill(std::span<uint64_t>(z, n));
  for (size_t off = 0; off < n; off += kBlock) {
    const size_t m = std::min(kBlock, n - off);
    slotB_.fill(std::span<uint64_t>(b, m));
    uint64_t *zo = z + off;
    if (boolean)
      for (size_t i = 0; i < m; ++i)
        zo[i] ^= b[i];
    else
      for (size_t i = 0; i < m; ++i)
        zo[i] -= b[i];
  }
  sodium_memzero(b, sizeof b);
}

// A public value is slot 0: party 0 holds it in its first plane, party 2 in
// its second.
void Rep3::classify(std::span<const uint64_t> p, std::span<vm::Share> out) {
  std::fill(out.begin(), out.end(), 0);
  addPublic(out, p, out);
}

void Rep3::addPublic(std::span<const vm::Share> s, std::span<const uint64_t> p,
                     std::span<vm::Share> out) {
  const size_t n = p.size();
  if (out.data() != s.data()) std::copy(s.begin(), s.end(), out.begin());
  if (self() == 1) return;
  uint64_t *o = out.data() + (self() == 0 ? 0 : n);
  for (size_t i = 0; i < n; ++i)
    o[i] += p[i];
}

void Rep3::xorPublic(std::span<uint64_t> b, std::span<const uint64_t> c) {
  const size_t n = c.size();
  if (self() == 1) return;
  uint64_t *o = b.data() + (self() == 0 ? 0 : n);
  for (size_t i = 0; i < n; ++i)
    o[i] ^= c[i];
}

std::unique_ptr<Step> Rep3::mul(std::span<const uint64_t> x, std::span<const uint64_t> y,
                                std::span<uint64_t> z, size_t n) {
  return std::make_unique<ReshareStep>(*this, n, z, false, [&](uint64_t *zi) {
    const uint64_t *x0 = x.data(), *x1 = x0 + n, *y0 = y.data(), *y1 = y0 + n;
    for (size_t i = 0; i < n; ++i)
      zi[i] += x0[i] * (y0[i] + y1[i]) + x1[i] * y0[i];
  });
}

std::unique_ptr<Step> Rep3::matmul(std::span<const uint64_t> x, std::span<const uint64_t> y,
                                   std::span<uint64_t> z, uint32_t m, uint32_t k, uint32_t n) {
  const size_t mk = size_t(m) * k, kn = size_t(k) * n;
  return std::make_unique<ReshareStep>(*this, size_t(m) * n, z, false, [&](uint64_t *zi) {
    // X_i (Y_i + Y_{i+1}) + X_{i+1} Y_i in one pass over the operands, with
    // no temporary: a dot product of 10^6 is a few milliseconds of memory
    // traffic.
    const uint64_t *x0 = x.data(), *x1 = x0 + mk, *y0 = y.data(), *y1 = y0 + kn;
    for (size_t i = 0; i < m; ++i) {
      const uint64_t *a0 = x0 + i * k, *a1 = x1 + i * k;
      uint64_t *zr = zi + i * n;
      if (n == 1) { // a row times a column: accumulate in a register
        uint64_t acc = 0;
        for (size_t t = 0; t < k; ++t)
          acc += a0[t] * (y0[t] + y1[t]) + a1[t] * y0[t];
        zr[0] += acc;
        continue;
      }
      for (size_t t = 0; t < k; ++t) {
        const uint64_t u = a0[t], v = a1[t], *b0 = y0 + t * n, *b1 = y1 + t * n;
        for (size_t j = 0; j < n; ++j)
          zr[j] += u * (b0[j] + b1[j]) + v * b0[j];
      }
    }
  });
}

std::unique_ptr<Step> Rep3::band(std::span<const uint64_t> a, std::span<const uint64_t> b,
                                 std::span<uint64_t> c, size_t nw) {
  return std::make_unique<ReshareStep>(*this, nw, c, true, [&](uint64_t *zi) {
    const uint64_t *a0 = a.data(), *a1 = a0 + nw, *b0 = b.data(), *b1 = b0 + nw;
    for (size_t i = 0; i < nw; ++i)
      zi[i] ^= (a0[i] & (b0[i] ^ b1[i])) ^ (a1[i] & b0[i]);
  });
}

std::unique_ptr<Step> Rep3::open(std::span<const uint64_t> x, std::span<uint64_t> out, size_t n,
                                 const std::vector<bool> &to) {
  return std::make_unique<OpenStep>(*this, x, out, n, to, false);
}

std::unique_ptr<Step> Rep3::openBool(std::span<const uint64_t> b, std::span<uint64_t> out,
                                     size_t nw) {
  return std::make_unique<OpenStep>(*this, b, out, nw, std::vector<bool>(3, true), true);
}

std::unique_ptr<Step> Rep3::input(uint32_t owner, std::span<const uint64_t> plain,
                                  std::span<uint64_t> out, size_t n) {
  return std::make_unique<InputStep>(*this, owner, plain, out, n, false);
}

// x = u + v with u = x_1 + x_2, known to party 1 (its two slots), and
// v = x_0, held by parties 0 and 2: v's bits are slot 0 of a boolean sharing
// at no cost; party 1 inputs u's bits (one message to party 0).
std::unique_ptr<Step> Rep3::toBoolNumbers(std::span<const uint64_t> x, size_t n, bool minusOne,
                                          std::vector<Words> &numbers) {
  const size_t L = 64 * protocols::wordsFor(n);
  numbers.clear();
  numbers.emplace_back(2 * L); // u
  numbers.emplace_back(2 * L); // v
  Words plain;
  if (self() == 1) {
    Words u = Words::uninit(n);
    for (size_t i = 0; i < n; ++i)
      u[i] = x[i] + x[n + i];
    plain = Words::uninit(L);
    protocols::sliceBits(u.data(), n, plain.data());
  }
  if (self() != 1) {
    Words v = Words::uninit(n);
    const uint64_t *x0 = x.data() + (self() == 0 ? 0 : n);
    for (size_t i = 0; i < n; ++i)
      v[i] = x0[i] - (minusOne ? 1 : 0);
    protocols::sliceBits(v.data(), n, numbers[1].data() + (self() == 0 ? 0 : L));
  }
  auto step = std::make_unique<InputStep>(*this, 1, plain.span(), numbers[0].span(), L, true);
  return step;
}

} // namespace smpc::rep3

//===- ot_preprocessing.cpp - base-OT setup, Beaver and matrix triples ----===//
#include "runtime/preproc/ot/ot_preprocessing.h"

#include "runtime/crypto/ot/base_ot.h"
#include "runtime/crypto/ot/ot_error.h"

#include <algorithm>
#include <sodium.h>
#include <stdexcept>
#include <string>

namespace smpc::preproc {

using crypto::ot::BaseKey;
using crypto::ot::kKappa;
using crypto::ot::OtError;

namespace {
void wipe(std::vector<uint64_t> &v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size() * sizeof(uint64_t));
}
} // namespace

OtPreprocessing::OtPreprocessing(vm::Channel &ch, OtOptions opt)
    : ch_(ch), opt_(opt), n_(opt.parties ? opt.parties : ch.parties()),
      prg_(crypto::seed_keygen()) {
  if (opt_.batchProducts == 0) opt_.batchProducts = 1;
  if (n_ > ch_.parties() || ch_.self() >= n_)
    throw std::invalid_argument("OT preprocessing: this node is not one of the computing parties");
  snd_.resize(n_);
  rcv_.resize(n_);
}

OtPreprocessing::~OtPreprocessing() = default;

void OtPreprocessing::malformed(uint32_t peer) const {
  throw vm::NetError("OT preprocessing: party " + std::to_string(peer) +
                     " sent a malformed message");
}

std::vector<uint8_t> OtPreprocessing::recvFrom(uint32_t peer) {
  return ch_.recv(peer);
}

void OtPreprocessing::setup() {
  if (ready_) return;
  const uint32_t me = ch_.self(), n = n_;
  // Round 1: as base-OT sender (for the IKNP instance where this party
  // chooses), send A to every peer. Sends never block, so all parties get
  // through this loop before anyone waits.
  std::vector<std::unique_ptr<crypto::ot::BaseOtSender>> bs(n);
  for (uint32_t j = 0; j < n; ++j) {
    if (j == me) continue;
    bs[j] = std::make_unique<crypto::ot::BaseOtSender>();
    ch_.send(j, bs[j]->firstMessage());
  }
  // Round 2: as base-OT receiver with 128 secret choice bits s.
  for (uint32_t j = 0; j < n; ++j) {
    if (j == me) continue;
    auto A = recvFrom(j);
    std::array<uint8_t, 16> s;
    randombytes_buf(s.data(), s.size());
    std::array<uint8_t, kKappa> choice;
    for (std::size_t i = 0; i < kKappa; ++i)
      choice[i] = (s[i / 8] >> (i % 8)) & 1;
    std::array<BaseKey, kKappa> keys;
    std::vector<uint8_t> reply;
    try {
      reply = crypto::ot::base_ot_receive(A, choice, keys);
    } catch (const OtError &) {
      malformed(j);
    }
    ch_.send(j, reply);
    snd_[j] = std::make_unique<crypto::ot::IknpSender>(s, keys);
    sodium_memzero(s.data(), s.size());
    sodium_memzero(choice.data(), choice.size());
    sodium_memzero(keys.data(), sizeof keys);
  }
  // Round 3: finish the base OTs this party sent.
  for (uint32_t j = 0; j < n; ++j) {
    if (j == me) continue;
    auto reply = recvFrom(j);
    std::array<BaseKey, kKappa> k0, k1;
    try {
      bs[j]->finish(reply, k0, k1);
    } catch (const OtError &) {
      malformed(j);
    }
    rcv_[j] = std::make_unique<crypto::ot::IknpReceiver>(k0, k1);
    sodium_memzero(k0.data(), sizeof k0);
    sodium_memzero(k1.data(), sizeof k1);
  }
  stats_.baseOts += 2 * kKappa * (n - 1);
  ready_ = true;
}

void OtPreprocessing::gilboaCross(std::span<const uint64_t> a, std::span<const uint64_t> v,
                                  std::size_t w, std::span<uint64_t> acc) {
  const uint32_t me = ch_.self(), n = n_;
  const std::size_t P = a.size(), m = 64 * P;
  std::vector<uint64_t> tmp(P * w);
  // Phase 1: this party chooses with the bits of a (to every peer).
  for (uint32_t j = 0; j < n; ++j)
    if (j != me) ch_.send(j, rcv_[j]->extend(a, m));
  // Phase 2: answer each peer's choices with corrections from v.
  for (uint32_t j = 0; j < n; ++j) {
    if (j == me) continue;
    auto u = recvFrom(j);
    std::vector<uint8_t> d;
    try {
      snd_[j]->extend(u, m);
      d = snd_[j]->gilboa(v, w, tmp);
    } catch (const OtError &) {
      malformed(j);
    }
    ch_.send(j, d);
    for (std::size_t i = 0; i < tmp.size(); ++i)
      acc[i] += tmp[i];
  }
  // Phase 3: receive the corrections for this party's choices.
  for (uint32_t j = 0; j < n; ++j) {
    if (j == me) continue;
    auto d = recvFrom(j);
    try {
      rcv_[j]->gilboa(d, w, tmp);
    } catch (const OtError &) {
      malformed(j);
    }
    for (std::size_t i = 0; i < tmp.size(); ++i)
      acc[i] += tmp[i];
  }
  stats_.extendedOts += 2 * m * (n - 1);
  wipe(tmp);
}

void OtPreprocessing::triplesChunk(std::span<uint64_t> a, std::span<uint64_t> b,
                                   std::span<uint64_t> c) {
  prg_.fill(a);
  prg_.fill(b);
  for (std::size_t i = 0; i < a.size(); ++i)
    c[i] = a[i] * b[i];
  gilboaCross(a, b, 1, c);
}

void OtPreprocessing::triples(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c) {
  if (a.size() != b.size() || a.size() != c.size())
    throw std::invalid_argument("triples: a, b and c must have the same length");
  if (a.empty()) return;
  setup();
  for (std::size_t i = 0; i < a.size(); i += opt_.batchProducts) {
    const std::size_t k = std::min(opt_.batchProducts, a.size() - i);
    triplesChunk(a.subspan(i, k), b.subspan(i, k), c.subspan(i, k));
  }
}

void OtPreprocessing::matrixTriple(uint32_t m, uint32_t k, uint32_t n, std::span<uint64_t> a,
                                   std::span<uint64_t> b, std::span<uint64_t> c) {
  if (a.size() != std::size_t(m) * k || b.size() != std::size_t(k) * n ||
      c.size() != std::size_t(m) * n)
    throw std::invalid_argument("matrixTriple: span sizes do not match m x k and k x n");
  std::fill(c.begin(), c.end(), 0);
  prg_.fill(a);
  prg_.fill(b);
  if (c.empty() || a.empty()) return; // an empty C, or k == 0 and C = 0
  setup();
  // Local product A_self @ B_self.
  for (uint32_t r = 0; r < m; ++r)
    for (uint32_t t = 0; t < k; ++t) {
      const uint64_t x = a[std::size_t(r) * k + t];
      for (uint32_t col = 0; col < n; ++col)
        c[std::size_t(r) * n + col] += x * b[std::size_t(t) * n + col];
    }
  // Cross terms: element p = (r, t) of A, in row-major order, is multiplied
  // by row t of B (a vector-OLE of length n per element). Chunks keep
  // 64 * P * n words per batch bounded (by the batch size: 2^14 words of
  // P * n by default).
  const std::size_t total = std::size_t(m) * k;
  const std::size_t perChunk = std::max<std::size_t>(1, 2 * opt_.batchProducts / n);
  std::vector<uint64_t> v, out;
  for (std::size_t p0 = 0; p0 < total; p0 += perChunk) {
    const std::size_t P = std::min(perChunk, total - p0);
    v.assign(P * n, 0);
    out.assign(P * n, 0);
    for (std::size_t p = 0; p < P; ++p) {
      const std::size_t t = (p0 + p) % k;
      std::copy_n(b.begin() + t * n, n, v.begin() + p * n);
    }
    gilboaCross(a.subspan(p0, P), v, n, out);
    for (std::size_t p = 0; p < P; ++p) {
      const std::size_t r = (p0 + p) / k;
      for (uint32_t col = 0; col < n; ++col)
        c[r * n + col] += out[p * n + col];
    }
  }
  wipe(v);
  wipe(out);
}

void OtPreprocessing::boolChunk(std::span<uint64_t> a, std::span<uint64_t> b,
                                std::span<uint64_t> c) {
  const uint32_t me = ch_.self(), n = n_;
  prg_.fill(a);
  prg_.fill(b);
  for (std::size_t i = 0; i < a.size(); ++i)
    c[i] = a[i] & b[i];
  const std::size_t m = 64 * a.size();
  std::vector<uint64_t> tmp(a.size());
  // Cross term a_self & b_j: one correlated bit OT per bit, a_self chooses.
  for (uint32_t j = 0; j < n; ++j)
    if (j != me) ch_.send(j, rcv_[j]->extend(a, m));
  for (uint32_t j = 0; j < n; ++j) {
    if (j == me) continue;
    auto u = recvFrom(j);
    std::vector<uint8_t> d;
    try {
      snd_[j]->extend(u, m);
      d = snd_[j]->correlatedBits(b, tmp);
    } catch (const OtError &) {
      malformed(j);
    }
    ch_.send(j, d);
    for (std::size_t i = 0; i < tmp.size(); ++i)
      c[i] ^= tmp[i];
  }
  for (uint32_t j = 0; j < n; ++j) {
    if (j == me) continue;
    auto d = recvFrom(j);
    try {
      rcv_[j]->correlatedBits(d, tmp);
    } catch (const OtError &) {
      malformed(j);
    }
    for (std::size_t i = 0; i < tmp.size(); ++i)
      c[i] ^= tmp[i];
  }
  stats_.extendedOts += 2 * m * (n - 1);
  wipe(tmp);
}

void OtPreprocessing::boolTriples(std::span<uint64_t> a, std::span<uint64_t> b,
                                  std::span<uint64_t> c) {
  if (a.size() != b.size() || a.size() != c.size())
    throw std::invalid_argument("boolTriples: a, b and c must have the same length");
  if (a.empty()) return;
  setup();
  // One word = 64 triples = 64 OTs, as many OTs per batch as arithmetic triples.
  const std::size_t words = std::max<std::size_t>(1, opt_.batchProducts);
  for (std::size_t i = 0; i < a.size(); i += words) {
    const std::size_t k = std::min(words, a.size() - i);
    boolChunk(a.subspan(i, k), b.subspan(i, k), c.subspan(i, k));
  }
}

std::unique_ptr<vm::Preprocessing> makeOtPreprocessing(vm::Channel &ch, OtOptions opt) {
  return std::make_unique<OtPreprocessing>(ch, opt);
}

} // namespace smpc::preproc

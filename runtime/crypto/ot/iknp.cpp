//===- iknp.cpp - IKNP OT extension: column expansion, transpose, hashing -===//
#include "runtime/crypto/ot/iknp.h"

#include "runtime/crypto/ot/bit_transpose.h"
#include "runtime/crypto/ot/ot_error.h"

#include <algorithm>
#include <cstring>
#include <sodium.h>

namespace smpc::crypto::ot {

namespace {

constexpr std::size_t kRowBytes = kKappa / 8;

inline bool bitAt(const uint64_t *words, std::size_t j) {
  return (words[j / 64] >> (j % 64)) & 1;
}

void wipe(std::vector<uint8_t> &v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size());
}
void wipe(std::vector<uint64_t> &v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size() * sizeof(uint64_t));
}
void wipe(std::span<uint64_t> v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size() * sizeof(uint64_t));
}

// Bit stream of variable-width fields, little-endian, in a byte buffer
// whose size is a multiple of 8 (gilboa_correction_bytes).
void writeBits(uint8_t *buf, std::size_t pos, unsigned width, uint64_t v) {
  if (width < 64) v &= (uint64_t{1} << width) - 1;
  const std::size_t wi = pos / 64, off = pos % 64;
  uint64_t word;
  std::memcpy(&word, buf + 8 * wi, 8);
  word |= v << off;
  std::memcpy(buf + 8 * wi, &word, 8);
  if (off + width > 64) {
    std::memcpy(&word, buf + 8 * (wi + 1), 8);
    word |= v >> (64 - off);
    std::memcpy(buf + 8 * (wi + 1), &word, 8);
  }
}

uint64_t readBits(const uint8_t *buf, std::size_t pos, unsigned width) {
  const std::size_t wi = pos / 64, off = pos % 64;
  uint64_t word;
  std::memcpy(&word, buf + 8 * wi, 8);
  uint64_t v = word >> off;
  if (off + width > 64) {
    std::memcpy(&word, buf + 8 * (wi + 1), 8);
    v |= word << (64 - off);
  }
  return width < 64 ? v & ((uint64_t{1} << width) - 1) : v;
}

void xorInto(uint8_t *dst, const uint8_t *src, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t a, b;
    std::memcpy(&a, dst + i, 8);
    std::memcpy(&b, src + i, 8);
    a ^= b;
    std::memcpy(dst + i, &a, 8);
  }
  for (; i < n; ++i)
    dst[i] ^= src[i];
}

} // namespace

std::size_t gilboa_correction_bytes(std::size_t products, std::size_t w) {
  // sum over k of (64 - k) = 2080 bits per product and word, in whole words.
  return 8 * ((products * w * 2080 + 63) / 64);
}

// ---------------------------------------------------------------- receiver

IknpReceiver::IknpReceiver(std::span<const BaseKey, kKappa> k0,
                           std::span<const BaseKey, kKappa> k1) {
  g0_.reserve(kKappa);
  g1_.reserve(kKappa);
  for (std::size_t i = 0; i < kKappa; ++i) {
    g0_.emplace_back(k0[i]);
    g1_.emplace_back(k1[i]);
  }
}

IknpReceiver::~IknpReceiver() {
  wipe(cols_);
  wipe(rows_);
  wipe(choices_);
}

std::vector<uint8_t> IknpReceiver::extend(std::span<const uint64_t> choices, std::size_t m) {
  if (choices.size() * 64 < m) throw OtError("OT extension: fewer choice bits than OTs");
  const std::size_t mp = iknp_padded(m), colBytes = mp / 8;
  choices_.assign(mp / 64, 0);
  std::copy_n(choices.begin(), std::min(choices.size(), choices_.size()), choices_.begin());
  const auto *r = reinterpret_cast<const uint8_t *>(choices_.data());

  cols_.resize(kKappa * colBytes);
  std::vector<uint8_t> msg(kKappa * colBytes);
  // t_i = G(k0_i); u_i = t_i ^ G(k1_i) ^ r.
  for (std::size_t i = 0; i < kKappa; ++i) {
    uint8_t *t = cols_.data() + i * colBytes, *u = msg.data() + i * colBytes;
    g0_[i].fill(std::span<uint8_t>(t, colBytes));
    g1_[i].fill(std::span<uint8_t>(u, colBytes));
    xorInto(u, t, colBytes);
    xorInto(u, r, colBytes);
  }
  rows_.resize(mp * kRowBytes);
  bit_transpose(cols_.data(), rows_.data(), kKappa, mp);
  m_ = m;
  return msg;
}

void IknpReceiver::checkCorrections(std::span<const uint8_t> c, std::size_t bytes) const {
  if (m_ == 0) throw OtError("OT extension: no batch in progress");
  if (c.size() != bytes) throw OtError("OT extension: correction message has the wrong length");
}

std::span<uint64_t> IknpReceiver::hashRows(std::size_t w) {
  // Scratch kept across batches (and wiped after each) so that large
  // batches do not pay for fresh zeroed pages every time.
  if (h_.size() < m_ * w) h_.resize(m_ * w);
  std::span<uint64_t> h(h_.data(), m_ * w);
  hash_.hash(rows_.data(), m_, w, tweak_, nullptr, h);
  tweak_ += m_ * ((w + 1) / 2);
  return h;
}

void IknpReceiver::correlated(std::span<const uint8_t> corr, std::size_t w,
                              std::span<uint64_t> out) {
  checkCorrections(corr, m_ * w * 8);
  if (out.size() != m_ * w) throw OtError("OT extension: output span has the wrong length");
  hash_.hash(rows_.data(), m_, w, tweak_, nullptr, out);
  tweak_ += m_ * ((w + 1) / 2);
  for (std::size_t j = 0; j < m_; ++j) {
    const uint64_t mask = 0 - static_cast<uint64_t>(bitAt(choices_.data(), j));
    for (std::size_t l = 0; l < w; ++l) {
      uint64_t d;
      std::memcpy(&d, corr.data() + 8 * (j * w + l), 8);
      out[j * w + l] += d & mask;
    }
  }
  m_ = 0;
}

void IknpReceiver::gilboa(std::span<const uint8_t> corr, std::size_t w, std::span<uint64_t> out) {
  if (m_ == 0) throw OtError("OT extension: no batch in progress");
  if (m_ % 64 != 0 || w == 0 || out.size() * 64 != m_ * w)
    throw OtError("OT extension: Gilboa batch has the wrong shape");
  checkCorrections(corr, gilboa_correction_bytes(m_ / 64, w));
  auto h = hashRows(w);
  const std::size_t P = m_ / 64;
  std::size_t pos = 0; // bit position in the correction stream
  for (std::size_t p = 0; p < P; ++p) {
    for (std::size_t l = 0; l < w; ++l)
      out[p * w + l] = 0;
    for (std::size_t k = 0; k < 64; ++k) {
      const std::size_t j = 64 * p + k;
      const uint64_t choose = 0 - static_cast<uint64_t>(bitAt(choices_.data(), j));
      for (std::size_t l = 0; l < w; ++l) {
        const uint64_t d = readBits(corr.data(), pos, 64 - k);
        pos += 64 - k;
        // Only the low 64-k bits matter: the result is shifted left by k.
        out[p * w + l] += (h[j * w + l] + (d & choose)) << k;
      }
    }
  }
  wipe(h);
  m_ = 0;
}

void IknpReceiver::correlatedBits(std::span<const uint8_t> corr, std::span<uint64_t> outBits) {
  const std::size_t words = (m_ + 63) / 64;
  checkCorrections(corr, words * 8);
  if (outBits.size() != words) throw OtError("OT extension: output span has the wrong length");
  auto h = hashRows(1);
  std::fill(outBits.begin(), outBits.end(), 0);
  for (std::size_t j = 0; j < m_; ++j) {
    const uint64_t d = (corr[j / 8] >> (j % 8)) & 1;
    const uint64_t bit = (h[j] & 1) ^ (d & static_cast<uint64_t>(bitAt(choices_.data(), j)));
    outBits[j / 64] |= bit << (j % 64);
  }
  wipe(h);
  m_ = 0;
}

void IknpReceiver::random(std::span<uint64_t> out) {
  if (m_ == 0) throw OtError("OT extension: no batch in progress");
  if (out.size() != 2 * m_) throw OtError("OT extension: output span has the wrong length");
  hash_.hash(rows_.data(), m_, 2, tweak_, nullptr, out);
  tweak_ += m_;
  m_ = 0;
}

// ------------------------------------------------------------------ sender

IknpSender::IknpSender(std::span<const uint8_t, 16> s, std::span<const BaseKey, kKappa> k) {
  std::copy(s.begin(), s.end(), s_.begin());
  g_.reserve(kKappa);
  for (std::size_t i = 0; i < kKappa; ++i)
    g_.emplace_back(k[i]);
}

IknpSender::~IknpSender() {
  sodium_memzero(s_.data(), s_.size());
  wipe(cols_);
  wipe(rows_);
}

void IknpSender::extend(std::span<const uint8_t> msg, std::size_t m) {
  const std::size_t mp = iknp_padded(m), colBytes = mp / 8;
  if (m == 0 || msg.size() != kKappa * colBytes)
    throw OtError("OT extension: extension message has the wrong length");
  cols_.resize(kKappa * colBytes);
  // q_i = G(k_{s_i}) ^ s_i * u_i = t_i ^ s_i * r.
  for (std::size_t i = 0; i < kKappa; ++i) {
    uint8_t *q = cols_.data() + i * colBytes;
    g_[i].fill(std::span<uint8_t>(q, colBytes));
    if ((s_[i / 8] >> (i % 8)) & 1) xorInto(q, msg.data() + i * colBytes, colBytes);
  }
  rows_.resize(mp * kRowBytes);
  bit_transpose(cols_.data(), rows_.data(), kKappa, mp);
  m_ = m;
}

std::vector<uint8_t> IknpSender::correlated(std::span<const uint64_t> v, std::size_t w,
                                            std::span<uint64_t> x0) {
  if (m_ == 0) throw OtError("OT extension: no batch in progress");
  if (v.size() != m_ * w || x0.size() != m_ * w)
    throw OtError("OT extension: correlated batch has the wrong shape");
  std::vector<uint64_t> h1(m_ * w);
  hash_.hash(rows_.data(), m_, w, tweak_, nullptr, x0);
  hash_.hash(rows_.data(), m_, w, tweak_, s_.data(), h1);
  tweak_ += m_ * ((w + 1) / 2);
  std::vector<uint8_t> corr(m_ * w * 8);
  for (std::size_t i = 0; i < m_ * w; ++i) {
    const uint64_t d = x0[i] + v[i] - h1[i];
    std::memcpy(corr.data() + 8 * i, &d, 8);
  }
  wipe(h1);
  m_ = 0;
  return corr;
}

std::vector<uint8_t> IknpSender::gilboa(std::span<const uint64_t> v, std::size_t w,
                                        std::span<uint64_t> out) {
  if (m_ == 0) throw OtError("OT extension: no batch in progress");
  if (w == 0 || v.size() % w != 0 || out.size() != v.size() || m_ != 64 * (v.size() / w))
    throw OtError("OT extension: Gilboa batch has the wrong shape");
  const std::size_t P = v.size() / w;
  if (h0_.size() < m_ * w) h0_.resize(m_ * w), h1_.resize(m_ * w);
  std::span<uint64_t> h0(h0_.data(), m_ * w), h1(h1_.data(), m_ * w);
  hash_.hash(rows_.data(), m_, w, tweak_, nullptr, h0);
  hash_.hash(rows_.data(), m_, w, tweak_, s_.data(), h1);
  tweak_ += m_ * ((w + 1) / 2);
  // OT k of product p computes a_k * v_p mod 2^(64-k), later shifted left by
  // k, so its correction needs only 64-k bits: 2080 instead of 4096 bits per
  // product and word.
  std::vector<uint8_t> corr(gilboa_correction_bytes(P, w), 0);
  std::size_t pos = 0;
  for (std::size_t p = 0; p < P; ++p) {
    for (std::size_t l = 0; l < w; ++l)
      out[p * w + l] = 0;
    for (std::size_t k = 0; k < 64; ++k) {
      const std::size_t j = 64 * p + k;
      for (std::size_t l = 0; l < w; ++l) {
        const uint64_t x0 = h0[j * w + l];
        writeBits(corr.data(), pos, 64 - k, x0 + v[p * w + l] - h1[j * w + l]);
        pos += 64 - k;
        out[p * w + l] -= x0 << k;
      }
    }
  }
  wipe(h0);
  wipe(h1);
  m_ = 0;
  return corr;
}

std::vector<uint8_t> IknpSender::correlatedBits(std::span<const uint64_t> deltaBits,
                                                std::span<uint64_t> x0Bits) {
  if (m_ == 0) throw OtError("OT extension: no batch in progress");
  const std::size_t words = (m_ + 63) / 64;
  if (deltaBits.size() != words || x0Bits.size() != words)
    throw OtError("OT extension: bit batch has the wrong shape");
  std::vector<uint64_t> h0(m_), h1(m_);
  hash_.hash(rows_.data(), m_, 1, tweak_, nullptr, h0);
  hash_.hash(rows_.data(), m_, 1, tweak_, s_.data(), h1);
  tweak_ += m_;
  std::vector<uint64_t> corr(words, 0);
  std::fill(x0Bits.begin(), x0Bits.end(), 0);
  for (std::size_t j = 0; j < m_; ++j) {
    const uint64_t x = h0[j] & 1;
    const uint64_t d = x ^ (h1[j] & 1) ^ static_cast<uint64_t>(bitAt(deltaBits.data(), j));
    x0Bits[j / 64] |= x << (j % 64);
    corr[j / 64] |= d << (j % 64);
  }
  wipe(h0);
  wipe(h1);
  m_ = 0;
  std::vector<uint8_t> msg(words * 8);
  std::memcpy(msg.data(), corr.data(), msg.size());
  return msg;
}

void IknpSender::random(std::span<uint64_t> m0, std::span<uint64_t> m1) {
  if (m_ == 0) throw OtError("OT extension: no batch in progress");
  if (m0.size() != 2 * m_ || m1.size() != 2 * m_)
    throw OtError("OT extension: output span has the wrong length");
  hash_.hash(rows_.data(), m_, 2, tweak_, nullptr, m0);
  hash_.hash(rows_.data(), m_, 2, tweak_, s_.data(), m1);
  tweak_ += m_;
  m_ = 0;
}

} // namespace smpc::crypto::ot

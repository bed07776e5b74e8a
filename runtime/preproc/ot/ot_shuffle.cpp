//===- ot_shuffle.cpp - shuffle material from oblivious switching networks ===//
//
// One party's turn of a secret shuffle needs (vm::Preprocessing::
// shuffleTurn): the permuter's random permutation pi, each other party k's
// random mask a_k, and additive shares of pi(sum a_k). Without a dealer,
// every other party k runs an oblivious switching network (Mohassel and
// Sadeghian, Eurocrypt 2013) with the permuter on a Benes network that
// realises pi (benes.h):
//
//  - k knows a mask for every wire of every layer; the permuter knows, on
//    each wire, the true value minus that mask. On the input wires the true
//    values are a_k and the masks a_k itself, so the permuter starts from 0.
//  - For each switch with input masks (r_u, r_v) the permuter, choosing with
//    the switch's setting c, gets one random OT key K_c; k gets K_0 and K_1.
//    k sets the output masks to r_u - H(K_0)_u, r_v - H(K_0)_v, so that the
//    permuter's correction for c = 0 is H(K_0) itself, and sends
//    e = (r_v - r_u', r_u - r_v') - H(K_1) for c = 1. The permuter crosses
//    its two values if c = 1 and adds H(K_c) (+ e if c = 1).
//  - At the outputs the permuter holds pi(a_k) - s_k, k holds s_k (its last
//    masks): additive shares of pi(a_k). Summed over k, the permuter's share
//    of pi(sum a_k) is sum (pi(a_k) - s_k) and k's is s_k.
//
// H expands a 128-bit key to the 2 * width words of a switch with the
// correlation-robust hash, under a tweak both sides advance in step. k
// learns nothing (it only receives IKNP messages); the permuter sees each
// switch's unchosen correction only masked by H(K_{1-c}). Two messages per
// turn and pair; m log2 m - m/2 OTs for m = rows rounded up to a power of 2,
// and 2 * width words per switch.
//===----------------------------------------------------------------------===//
#include "runtime/crypto/ot/ot_error.h"
#include "runtime/preproc/ot/benes.h"
#include "runtime/preproc/ot/ot_preprocessing.h"
#include "vm/crypto/perm.h"

#include <algorithm>
#include <cstring>
#include <sodium.h>
#include <stdexcept>

namespace smpc::preproc {

using crypto::ot::OtError;

namespace {

void wipe(std::vector<uint64_t> &v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size() * sizeof(uint64_t));
}

// Switch keys expanded to 2 * width words each, a chunk at a time, in the
// order the evaluation visits the switches (increasing ids).
class Expander {
public:
  Expander(crypto::ot::CrHash &h, const std::vector<uint64_t> &keys, uint64_t width, uint64_t tweak)
      : h_(h), keys_(keys), words_(2 * width), tweak_(tweak) {}
  ~Expander() { wipe(buf_); }
  const uint64_t *at(uint64_t id) {
    if (id < first_ || id >= first_ + count_) {
      first_ = id - id % kChunk;
      count_ = std::min<uint64_t>(kChunk, keys_.size() / 2 - first_);
      buf_.resize(count_ * words_);
      h_.hash(reinterpret_cast<const uint8_t *>(keys_.data() + 2 * first_), count_, words_,
              tweak_ + first_ * ((words_ + 1) / 2), nullptr, buf_);
    }
    return buf_.data() + (id - first_) * words_;
  }

private:
  static constexpr uint64_t kChunk = 1 << 14;
  crypto::ot::CrHash &h_;
  const std::vector<uint64_t> &keys_;
  uint64_t words_, tweak_;
  uint64_t first_ = 0, count_ = 0;
  std::vector<uint64_t> buf_;
};

std::vector<uint8_t> toBytes(const std::vector<uint64_t> &v) {
  std::vector<uint8_t> b(v.size() * 8);
  for (size_t i = 0; i < v.size(); ++i)
    for (int k = 0; k < 8; ++k)
      b[8 * i + k] = uint8_t(v[i] >> (8 * k));
  return b;
}

} // namespace

void OtPreprocessing::osnPermuter(std::span<const uint32_t> perm, uint32_t width,
                                  std::span<uint64_t> share) {
  const uint32_t me = ch_.self(), n = n_;
  const uint64_t rows = perm.size(), m = benesWires(rows), S = benesSwitches(m);
  const uint64_t words = 2 * uint64_t(width);
  // The permutation on m wires: padding wires stay where they are.
  std::vector<uint32_t> full(m);
  std::copy(perm.begin(), perm.end(), full.begin());
  for (uint64_t r = rows; r < m; ++r)
    full[r] = uint32_t(r);
  std::vector<uint8_t> bits = benesRoute(full);
  sodium_memzero(full.data(), full.size() * sizeof(uint32_t));
  std::vector<uint64_t> choice((S + 63) / 64);
  for (uint64_t s = 0; s < S; ++s)
    choice[s / 64] |= uint64_t(bits[s]) << (s % 64);
  for (uint32_t k = 0; k < n; ++k)
    if (k != me) ch_.send(k, rcv_[k]->extend(choice, S));
  std::fill(share.begin(), share.end(), 0);
  std::vector<uint64_t> keys(2 * S), vals;
  for (uint32_t k = 0; k < n; ++k) {
    if (k == me) continue;
    std::vector<uint8_t> msg = recvFrom(k);
    if (msg.size() != S * words * 8) malformed(k);
    try {
      rcv_[k]->random(keys);
    } catch (const OtError &) {
      malformed(k);
    }
    Expander hk(osnHash_, keys, width, osnTweak_);
    vals.assign(m * width, 0);
    benesEvaluate(vals, m, width, [&](uint64_t id, uint64_t a, uint64_t b) {
      uint64_t *ra = vals.data() + a * width, *rb = vals.data() + b * width;
      const uint64_t *h = hk.at(id);
      if (bits[id]) {
        std::swap_ranges(ra, ra + width, rb);
        uint64_t e[2];
        for (uint32_t c = 0; c < width; ++c) {
          std::memcpy(e, msg.data() + (id * words + c) * 8, 8);
          std::memcpy(e + 1, msg.data() + (id * words + width + c) * 8, 8);
          ra[c] += h[c] + e[0];
          rb[c] += h[width + c] + e[1];
        }
      } else {
        for (uint32_t c = 0; c < width; ++c) {
          ra[c] += h[c];
          rb[c] += h[width + c];
        }
      }
    });
    for (uint64_t i = 0; i < rows * width; ++i)
      share[i] += vals[i];
    sodium_memzero(msg.data(), msg.size());
  }
  stats_.extendedOts += S * (n - 1);
  wipe(keys);
  wipe(vals);
  sodium_memzero(bits.data(), bits.size());
  wipe(choice);
}

void OtPreprocessing::osnSender(uint32_t permuter, uint32_t rows, uint32_t width,
                                std::span<uint64_t> mask, std::span<uint64_t> share) {
  const uint64_t m = benesWires(rows), S = benesSwitches(m), words = 2 * uint64_t(width);
  std::vector<uint64_t> masks(m * width);
  prg_.fill(masks);
  std::copy_n(masks.begin(), uint64_t(rows) * width, mask.begin());
  std::vector<uint8_t> u = recvFrom(permuter);
  std::vector<uint64_t> k0(2 * S), k1(2 * S);
  try {
    snd_[permuter]->extend(u, S);
    snd_[permuter]->random(k0, k1);
  } catch (const OtError &) {
    malformed(permuter);
  }
  Expander h0(osnHash_, k0, width, osnTweak_);
  Expander h1(osnHash_, k1, width, osnTweak_);
  std::vector<uint64_t> e(S * words);
  benesEvaluate(masks, m, width, [&](uint64_t id, uint64_t a, uint64_t b) {
    uint64_t *ra = masks.data() + a * width, *rb = masks.data() + b * width;
    const uint64_t *g0 = h0.at(id);
    uint64_t *ei = e.data() + id * words;
    for (uint32_t c = 0; c < width; ++c) {
      const uint64_t ru = ra[c], rv = rb[c];
      const uint64_t ou = ru - g0[c], ov = rv - g0[width + c];
      ei[c] = rv - ou;
      ei[width + c] = ru - ov;
      ra[c] = ou;
      rb[c] = ov;
    }
    const uint64_t *g1 = h1.at(id);
    for (uint64_t c = 0; c < words; ++c)
      ei[c] -= g1[c];
  });
  ch_.send(permuter, toBytes(e));
  std::copy_n(masks.begin(), uint64_t(rows) * width, share.begin());
  wipe(masks);
  wipe(k0);
  wipe(k1);
  wipe(e);
}

void OtPreprocessing::shuffleTurn(uint32_t permuter, uint32_t rows, uint32_t width,
                                  std::span<uint32_t> perm, std::span<uint64_t> mask,
                                  std::span<uint64_t> share) {
  const uint64_t words = uint64_t(rows) * width;
  const bool mine = permuter == ch_.self();
  if (permuter >= n_ || width == 0 || share.size() != words || perm.size() != (mine ? rows : 0) ||
      mask.size() != (mine ? 0 : words))
    throw std::invalid_argument("shuffleTurn: sizes do not match rows x width");
  if (rows == 0) return;
  setup();
  const uint64_t S = benesSwitches(benesWires(rows));
  if (mine) {
    std::vector<uint64_t> w(crypto::kPermWordsPerElem * rows);
    prg_.fill(w);
    crypto::perm_from_words(w, perm);
    wipe(w);
    osnPermuter(perm, width, share);
  } else {
    osnSender(permuter, rows, width, mask, share);
  }
  // Both sides of every network used the same tweaks; the next turn starts
  // past them (one tweak per 128-bit block of every switch's expansion).
  osnTweak_ += S * ((2 * uint64_t(width) + 1) / 2);
}

} // namespace smpc::preproc

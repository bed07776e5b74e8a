//===- ot_bits.cpp - daBits, edaBits and truncation material from OT ------===//
//
// A daBit is the XOR of one random bit per party. Its arithmetic sharing is
// built party by party: x <- x + b_i - 2 x b_i, where x b_i needs one
// correlated OT per bit with every peer (party i chooses with b_i, the peer
// sends its share of x as the correlation). N - 1 rounds for N parties.
//===----------------------------------------------------------------------===//
#include "runtime/crypto/ot/ot_error.h"
#include "runtime/preproc/ot/ot_preprocessing.h"

#include <algorithm>
#include <sodium.h>
#include <stdexcept>

namespace smpc::preproc {

using crypto::ot::OtError;

namespace {
void wipe(std::vector<uint64_t> &v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size() * sizeof(uint64_t));
}
} // namespace

void OtPreprocessing::genDaBits(std::size_t count, std::span<uint64_t> arith,
                                std::span<uint64_t> bits) {
  const uint32_t me = ch_.self(), n = n_;
  const std::size_t words = (count + 63) / 64;
  prg_.fill(bits.first(words));
  if (count % 64) bits[words - 1] &= (uint64_t{1} << (count % 64)) - 1; // padding bits are 0
  auto bitOf = [&](std::size_t e) { return (bits[e / 64] >> (e % 64)) & 1; };
  for (std::size_t e = 0; e < count; ++e)
    arith[e] = me == 0 ? bitOf(e) : 0;

  std::vector<uint64_t> prod(count), tmp(count);
  for (uint32_t i = 1; i < n; ++i) {
    if (me == i) {
      for (uint32_t j = 0; j < n; ++j)
        if (j != me) ch_.send(j, rcv_[j]->extend(bits.first(words), count));
      for (std::size_t e = 0; e < count; ++e)
        prod[e] = arith[e] * bitOf(e);
      for (uint32_t j = 0; j < n; ++j) {
        if (j == me) continue;
        auto d = recvFrom(j);
        try {
          rcv_[j]->correlated(d, 1, tmp);
        } catch (const OtError &) {
          malformed(j);
        }
        for (std::size_t e = 0; e < count; ++e)
          prod[e] += tmp[e];
      }
      for (std::size_t e = 0; e < count; ++e)
        arith[e] += bitOf(e) - 2 * prod[e];
    } else {
      auto u = recvFrom(i);
      std::vector<uint8_t> d;
      try {
        snd_[i]->extend(u, count);
        d = snd_[i]->correlated(arith.first(count), 1, tmp);
      } catch (const OtError &) {
        malformed(i);
      }
      ch_.send(i, d);
      // This party's share of x * b_i is -x0; x <- x - 2 x b_i.
      for (std::size_t e = 0; e < count; ++e)
        arith[e] += 2 * tmp[e];
    }
    stats_.extendedOts += count * (me == i ? n - 1 : 1);
  }
  wipe(prod);
  wipe(tmp);
}

void OtPreprocessing::daBits(std::span<uint64_t> arith, std::span<uint64_t> bits) {
  if (bits.size() != (arith.size() + 63) / 64)
    throw std::invalid_argument("daBits: bits must hold ceil(arith.size() / 64) words");
  if (arith.empty()) return;
  setup();
  const std::size_t batchBits = bitsPerBatch();
  for (std::size_t e0 = 0; e0 < arith.size(); e0 += batchBits) {
    const std::size_t cnt = std::min(batchBits, arith.size() - e0);
    genDaBits(cnt, arith.subspan(e0, cnt), bits.subspan(e0 / 64, (cnt + 63) / 64));
  }
}

void OtPreprocessing::edaBits(std::span<uint64_t> r, std::span<uint64_t> bits) {
  const std::size_t words = (r.size() + 63) / 64;
  if (bits.size() != 64 * words)
    throw std::invalid_argument("edaBits: bits must hold 64 * ceil(r.size() / 64) words");
  if (r.empty()) return;
  setup();
  // Chunks of whole words; daBit d = b * cnt + e is bit b of element e.
  const std::size_t chunkWords = std::max<std::size_t>(1, bitsPerBatch() / (std::size_t{64} * 64));
  std::vector<uint64_t> A, B;
  for (std::size_t w0 = 0; w0 < words; w0 += chunkWords) {
    const std::size_t wc = std::min(chunkWords, words - w0), cnt = 64 * wc;
    A.assign(64 * cnt, 0);
    B.assign(64 * wc, 0);
    genDaBits(64 * cnt, A, B);
    for (std::size_t e = 0; e < cnt && 64 * w0 + e < r.size(); ++e) {
      uint64_t v = 0;
      for (std::size_t b = 0; b < 64; ++b)
        v += A[b * cnt + e] << b;
      r[64 * w0 + e] = v;
    }
    for (std::size_t b = 0; b < 64; ++b)
      std::copy_n(B.begin() + b * wc, wc, bits.begin() + b * words + w0);
  }
  // Elements past r.size() in the last word do not exist: their bits are 0.
  if (r.size() % 64)
    for (std::size_t b = 0; b < 64; ++b)
      bits[b * words + words - 1] &= (uint64_t{1} << (r.size() % 64)) - 1;
  wipe(A);
  wipe(B);
}

void OtPreprocessing::truncPairs(uint32_t shift, std::span<uint64_t> r, std::span<uint64_t> msb,
                                 std::span<uint64_t> high) {
  if (shift > 63) throw std::invalid_argument("truncPairs: shift must be at most 63 bits");
  if (msb.size() != r.size() || high.size() != r.size())
    throw std::invalid_argument("truncPairs: r, msb and high must have the same length");
  if (r.empty()) return;
  setup();
  // From 64 random shared bits per element: r = sum 2^j b_j, msb = b_63,
  // high = sum_{j=shift}^{62} 2^(j-shift) b_j. The boolean halves are unused.
  const std::size_t chunk = std::max<std::size_t>(1, bitsPerBatch() / 64);
  std::vector<uint64_t> A, B;
  for (std::size_t e0 = 0; e0 < r.size(); e0 += chunk) {
    const std::size_t cnt = std::min(chunk, r.size() - e0);
    A.assign(64 * cnt, 0);
    B.assign(cnt, 0);
    genDaBits(64 * cnt, A, B);
    for (std::size_t e = 0; e < cnt; ++e) {
      uint64_t v = 0, h = 0;
      for (std::size_t b = 0; b < 64; ++b)
        v += A[b * cnt + e] << b;
      for (std::size_t b = shift; b < 63; ++b)
        h += A[b * cnt + e] << (b - shift);
      r[e0 + e] = v;
      msb[e0 + e] = A[63 * cnt + e];
      high[e0 + e] = h;
    }
  }
  wipe(A);
  wipe(B);
}

} // namespace smpc::preproc

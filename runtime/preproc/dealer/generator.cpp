//===- generator.cpp - party shares from seeds, corrections for party 0 ---===//
#include "runtime/preproc/dealer/generator.h"

#include "vm/crypto/perm.h"

#include <algorithm>
#include <memory>
#include <sodium.h>
#include <string>

namespace smpc::dealer {

void matmulAdd(const uint64_t *a, const uint64_t *b, uint64_t *c, uint64_t m, uint64_t k,
               uint64_t n) {
  // i-k-j order: the inner loop streams over rows of b and c.
  for (uint64_t i = 0; i < m; ++i)
    for (uint64_t t = 0; t < k; ++t) {
      const uint64_t av = a[i * k + t];
      const uint64_t *brow = b + t * n;
      uint64_t *crow = c + i * n;
      for (uint64_t j = 0; j < n; ++j)
        crow[j] += av * brow[j];
    }
}

Generator::Generator(std::vector<crypto::Seed> seeds) : seeds_(std::move(seeds)) {}

Generator::~Generator() {
  for (auto &s : seeds_)
    sodium_memzero(s.data(), s.size());
}

std::vector<crypto::Prg> &Generator::prgs(const StreamKey &key) {
  auto it = streams_.find(key);
  if (it == streams_.end()) {
    std::vector<crypto::Prg> v;
    v.reserve(seeds_.size());
    for (const auto &s : seeds_) {
      crypto::Seed ss = streamSeed(s, key);
      v.emplace_back(ss);
      sodium_memzero(ss.data(), ss.size());
    }
    it = streams_.emplace(key, std::move(v)).first;
  }
  return it->second;
}

namespace {
// A share buffer, not zero-filled (every user writes it in full before
// reading it), wiped when it goes out of scope.
struct Wiped {
  std::unique_ptr<uint64_t[]> p;
  std::span<uint64_t> v;
  explicit Wiped(size_t n) : p(new uint64_t[n]), v(p.get(), n) {}
  Wiped(const Wiped &) = delete;
  Wiped &operator=(const Wiped &) = delete;
  ~Wiped() { sodium_memzero(v.data(), v.size() * sizeof(uint64_t)); }
};
} // namespace

void Generator::corrections(const RequestMsg &req, std::span<uint64_t> out) {
  const uint64_t per = correctionWordsPerElem(req.key);
  if (out.size() != req.count * per)
    throw DealerError("correction buffer does not match the request");
  if (req.key.kind == Kind::Shuffle) { // one turn at a time, whatever its size
    if (req.key.p1 >= seeds_.size())
      throw DealerError("shuffle permuter " + std::to_string(req.key.p1) +
                        " is not a party of this job");
    for (uint64_t e = 0; e < req.count; ++e)
      shuffleTurn(req.key, out.subspan(e * per, per));
    generated_ += req.count;
    return;
  }
  // Work in chunks so the scratch buffers stay small whatever the request.
  const uint64_t chunk = std::max<uint64_t>(1, kChunkWords / prgWordsPerElem(req.key, 1));
  for (uint64_t done = 0; done < req.count; done += chunk) {
    const uint64_t c = std::min(chunk, req.count - done);
    correctChunk(req.key, c, out.subspan(done * per, c * per));
  }
  generated_ += req.count;
}

void Generator::shuffleTurn(const StreamKey &key, std::span<uint64_t> out) {
  auto &ps = prgs(key);
  const uint32_t n = static_cast<uint32_t>(seeds_.size());
  const uint32_t j = key.p1;
  const uint64_t rows = key.p2, w = key.p3, words = rows * w;
  // Every party's draws in the order the client makes them: the permuter's
  // permutation or another party's mask, then (parties > 0) the share. The
  // first mask and the first share are drawn straight into the sums.
  Wiped sumMask(words), sumShare(words), buf(std::max(words, crypto::kPermWordsPerElem * rows));
  std::vector<uint32_t> perm(rows);
  bool anyMask = false, anyShare = false;
  auto drawInto = [&](crypto::Prg &prg, std::span<uint64_t> sum, bool &any) {
    if (!any) {
      prg.fill(sum);
      any = true;
      return;
    }
    std::span<uint64_t> b(buf.v.data(), words);
    prg.fill(b);
    for (uint64_t k = 0; k < words; ++k)
      sum[k] += b[k];
  };
  for (uint32_t i = 0; i < n; ++i) {
    if (i == j) {
      std::span<uint64_t> pw(buf.v.data(), crypto::kPermWordsPerElem * rows);
      ps[i].fill(pw);
      crypto::perm_from_words(pw, perm);
    } else {
      drawInto(ps[i], sumMask.v, anyMask);
    }
    if (i != 0) drawInto(ps[i], sumShare.v, anyShare);
  }
  // Party 0's share: pi(sum of masks) minus the others' shares.
  for (uint64_t r = 0; r < rows; ++r) {
    const uint64_t *src = sumMask.v.data() + uint64_t(perm[r]) * w;
    for (uint64_t c = 0; c < w; ++c)
      out[r * w + c] = src[c] - sumShare.v[r * w + c];
  }
  sodium_memzero(perm.data(), perm.size() * sizeof(uint32_t));
}

void Generator::correctChunk(const StreamKey &key, uint64_t count, std::span<uint64_t> out) {
  auto &ps = prgs(key);
  const uint32_t n = static_cast<uint32_t>(seeds_.size());

  // Party 0's draws and the sum (or XOR) of everything the others draw.
  const uint64_t w0 = prgWordsPerElem(key, 0), w1 = prgWordsPerElem(key, 1);
  Wiped mine(count * w0), acc(count * w1), tmp(n > 2 ? count * w1 : 0);
  ps[0].fill(std::span<uint64_t>(mine.v));
  ps[1].fill(std::span<uint64_t>(acc.v));
  // Bit words (all of a boolean triple; word 0 of a (e)daBit) combine by
  // XOR, everything else adds.
  const bool allXor = key.kind == Kind::BoolTriple;
  const bool firstXor = key.kind == Kind::DaBit || key.kind == Kind::EdaBit;
  for (uint32_t i = 2; i < n; ++i) {
    ps[i].fill(std::span<uint64_t>(tmp.v));
    uint64_t *dst = acc.v.data();
    const uint64_t *src = tmp.v.data();
    const size_t total = acc.v.size();
    if (allXor) {
      for (size_t j = 0; j < total; ++j)
        dst[j] ^= src[j];
    } else {
      for (size_t j = 0; j < total; ++j)
        dst[j] += src[j];
      if (firstXor) // undo the add on the bit word, XOR instead
        for (size_t e = 0; e < total; e += w1)
          dst[e] = (dst[e] - src[e]) ^ src[e];
    }
  }

  switch (key.kind) {
  case Kind::Triple:
    for (uint64_t e = 0; e < count; ++e) {
      const uint64_t a = mine.v[2 * e] + acc.v[3 * e], b = mine.v[2 * e + 1] + acc.v[3 * e + 1];
      out[e] = a * b - acc.v[3 * e + 2];
    }
    break;
  case Kind::BoolTriple:
    for (uint64_t e = 0; e < count; ++e) {
      const uint64_t a = mine.v[2 * e] ^ acc.v[3 * e], b = mine.v[2 * e + 1] ^ acc.v[3 * e + 1];
      out[e] = (a & b) ^ acc.v[3 * e + 2];
    }
    break;
  case Kind::MatTriple: {
    const uint64_t m = key.p1, k = key.p2, nn = key.p3;
    const uint64_t mk = m * k, kn = k * nn, mn = m * nn;
    Wiped a(mk), b(kn), c(mn);
    for (uint64_t e = 0; e < count; ++e) {
      const uint64_t *p0 = &mine.v[e * w0], *pa = &acc.v[e * w1];
      for (uint64_t i = 0; i < mk; ++i)
        a.v[i] = p0[i] + pa[i];
      for (uint64_t i = 0; i < kn; ++i)
        b.v[i] = p0[mk + i] + pa[mk + i];
      std::fill(c.v.begin(), c.v.end(), 0);
      matmulAdd(a.v.data(), b.v.data(), c.v.data(), m, k, nn);
      for (uint64_t i = 0; i < mn; ++i)
        out[e * mn + i] = c.v[i] - pa[mk + kn + i];
    }
    break;
  }
  case Kind::DaBit:
    for (uint64_t e = 0; e < count; ++e) {
      const uint64_t bit = (mine.v[e] ^ acc.v[2 * e]) & 1;
      out[e] = bit - acc.v[2 * e + 1];
    }
    break;
  case Kind::EdaBit:
    for (uint64_t e = 0; e < count; ++e) {
      const uint64_t r = mine.v[e] ^ acc.v[2 * e];
      out[e] = r - acc.v[2 * e + 1];
    }
    break;
  case Kind::Shuffle: // dealt by shuffleTurn
    break;
  case Kind::Trunc:
    for (uint64_t e = 0; e < count; ++e) {
      const uint64_t r = mine.v[e] + acc.v[3 * e];
      const uint64_t msb = r >> 63, high = (r & ~(uint64_t(1) << 63)) >> key.p1;
      out[2 * e] = msb - acc.v[3 * e + 1];
      out[2 * e + 1] = high - acc.v[3 * e + 2];
    }
    break;
  }
}

} // namespace smpc::dealer

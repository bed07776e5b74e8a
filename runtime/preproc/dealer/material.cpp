//===- material.cpp - stream layouts and per-stream seed derivation -------===//
#include "runtime/preproc/dealer/material.h"

#include "vm/crypto/perm.h"

#include <sodium.h>

namespace smpc::dealer {

std::string validateKey(const StreamKey &k) {
  switch (k.kind) {
  case Kind::Triple:
  case Kind::BoolTriple:
  case Kind::DaBit:
  case Kind::EdaBit:
    if (k.p1 || k.p2 || k.p3) return "this material kind takes no parameters";
    return "";
  case Kind::Trunc:
    if (k.p1 < 1 || k.p1 > 62 || k.p2 || k.p3) return "truncation shift must be between 1 and 62";
    return "";
  case Kind::Shuffle:
    if (k.p1 > kMaxShuffleParty) return "shuffle permuter is not a valid party";
    if (!k.p2 || !k.p3) return "shuffle rows and width must be positive";
    if (uint64_t(k.p2) * k.p3 > kMaxShuffleWords) return "shuffle is too large";
    return "";
  case Kind::MatTriple: {
    const uint64_t m = k.p1, kk = k.p2, n = k.p3;
    if (!m || !kk || !n) return "matrix triple dimensions must be positive";
    if (m * kk > kMaxMatrixElems || kk * n > kMaxMatrixElems || m * n > kMaxMatrixElems)
      return "matrix triple is too large";
    return "";
  }
  }
  return "unknown material kind";
}

uint64_t prgWordsPerElem(const StreamKey &k, uint32_t party) {
  const bool p0 = party == 0;
  switch (k.kind) {
  case Kind::Triple:
  case Kind::BoolTriple:
    return p0 ? 2 : 3; // a, b (and c for parties > 0)
  case Kind::MatTriple: {
    const uint64_t ab = uint64_t(k.p1) * k.p2 + uint64_t(k.p2) * k.p3;
    return p0 ? ab : ab + uint64_t(k.p1) * k.p3;
  }
  case Kind::DaBit:
  case Kind::EdaBit:
    return p0 ? 1 : 2; // bit word (and the arithmetic share)
  case Kind::Trunc:
    return p0 ? 1 : 3; // r (and msb, high)
  case Kind::Shuffle: {
    const uint64_t words = uint64_t(k.p2) * k.p3;
    const uint64_t own = party == k.p1 ? crypto::kPermWordsPerElem * k.p2 : words;
    return p0 ? own : own + words; // perm or mask (and the share)
  }
  }
  return 0;
}

uint64_t correctionWordsPerElem(const StreamKey &k) {
  switch (k.kind) {
  case Kind::Triple:
  case Kind::BoolTriple:
  case Kind::DaBit:
  case Kind::EdaBit:
    return 1;
  case Kind::MatTriple:
    return uint64_t(k.p1) * k.p3;
  case Kind::Trunc:
    return 2;
  case Kind::Shuffle:
    return uint64_t(k.p2) * k.p3;
  }
  return 0;
}

uint64_t maxBatchWords(const StreamKey &k) {
  return k.kind == Kind::Shuffle ? kMaxShuffleWords : kMaxBatchWords;
}

crypto::Seed streamSeed(const crypto::Seed &jobSeed, const StreamKey &k) {
  uint8_t msg[13] = {static_cast<uint8_t>(k.kind)};
  const uint32_t ps[3] = {k.p1, k.p2, k.p3};
  for (int i = 0; i < 3; ++i)
    for (int b = 0; b < 4; ++b)
      msg[1 + 4 * i + b] = static_cast<uint8_t>(ps[i] >> (8 * b));
  crypto::Seed out;
  crypto_generichash(out.data(), out.size(), msg, sizeof msg, jobSeed.data(), jobSeed.size());
  return out;
}

} // namespace smpc::dealer

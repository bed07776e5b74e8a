//===- client.cpp - derive shares from the seed, apply party 0's corrections ===//
#include "runtime/preproc/dealer/client.h"

#include "runtime/preproc/dealer/wipe.h"
#include "vm/bytecode/cost.h"
#include "vm/crypto/perm.h"
#include "vm/protocols/common/bits.h"

#include <algorithm>
#include <exception>
#include <string>

namespace smpc::dealer {

DealerClient::DealerClient(vm::Channel &ch, uint32_t parties) : ch_(ch), dealerId_(parties) {
  if (parties < 2 || ch_.self() >= parties)
    throw DealerError("a dealer client must be one of at least 2 parties");
  const uint32_t dealerId = dealerId_;
  std::vector<uint8_t> msg = ch_.recv(dealerId);
  SeedMsg m = decodeSeed(msg);
  wipe(msg);
  if (m.party != ch_.self() || m.parties != dealerId) {
    wipe(m.seed);
    throw DealerError("dealer seed is addressed to party " + std::to_string(m.party) + " of " +
                      std::to_string(m.parties) + ", but this is party " +
                      std::to_string(ch_.self()) + " of " + std::to_string(dealerId));
  }
  party_ = m.party;
  seed_ = m.seed;
  wipe(m.seed);
}

DealerClient::~DealerClient() {
  // Only a job that ended normally is reported as done: while an error
  // unwinds, the dealer must see the job fail (and exit non-zero) instead.
  if (std::uncaught_exceptions() == 0) {
    try {
      finish();
    } catch (...) {
      // The dealer is gone; nothing left to tell it.
    }
  }
  wipe(seed_);
  wipe(scratch_);
  for (auto &[k, s] : streams_)
    wipe(s.corr);
}

void DealerClient::finish() {
  if (finished_ || party_ != 0) return;
  finished_ = true;
  ch_.send(dealerId_, encodeDone());
}

uint64_t DealerClient::used(Kind kind) const {
  auto it = used_.find(kind);
  return it == used_.end() ? 0 : it->second;
}

DealerClient::Stream &DealerClient::stream(const StreamKey &key) {
  auto it = streams_.find(key);
  if (it == streams_.end()) {
    crypto::Seed s = streamSeed(seed_, key);
    it = streams_.emplace(key, Stream(s)).first;
    wipe(s);
  }
  return it->second;
}

void DealerClient::request(const StreamKey &key, uint64_t count) {
  if (finished_) throw DealerError("material requested after the dealer job was finished");
  const uint64_t per = correctionWordsPerElem(key);
  const uint64_t maxCount = std::max<uint64_t>(1, maxBatchWords(key) / per);
  while (count > 0) {
    RequestMsg r{key, std::min(count, maxCount)};
    queued_.push_back(r);
    stream(key).pending += r.count;
    count -= r.count;
  }
  pump();
}

void DealerClient::pump() {
  while (!queued_.empty()) {
    const RequestMsg r = queued_.front();
    const uint64_t words = r.count * correctionWordsPerElem(r.key);
    if (!inflight_.empty() && inflightWords_ + words > kMaxInflightWords) return;
    ch_.send(dealerId_, encodeRequest(r));
    queued_.pop_front();
    inflight_.push_back(r);
    inflightWords_ += words;
    inflightPeak_ = std::max(inflightPeak_, inflightWords_);
  }
}

void DealerClient::readAhead(const StreamKey &key) {
  Stream &s = stream(key);
  const uint64_t per = correctionWordsPerElem(key);
  const uint64_t batch = std::max<uint64_t>(1, kPrefetchBatchWords / per);
  const uint64_t window = std::max(batch, kStreamWindowWords / per);
  while (s.ahead > 0) {
    const uint64_t held = (s.corr.size() - s.head) / per + s.pending;
    const uint64_t n = std::min(s.ahead, batch);
    if (held > 0 && held + n > window) return;
    s.ahead -= n;
    request(key, n);
  }
}

void DealerClient::receiveOne() {
  if (inflight_.empty()) pump();
  const RequestMsg r = inflight_.front();
  std::vector<uint8_t> msg = ch_.recv(dealerId_);
  Stream &s = stream(r.key);
  const uint64_t words = r.count * correctionWordsPerElem(r.key);
  // Drop the used prefix before appending so the buffer stays small, but
  // only once it is at least as long as what is kept (or the buffer would
  // grow otherwise): moving the kept words down at every batch copied up to
  // a stream window (4 MiB) per batch. The words moved down are wiped at
  // their old places (they are party 0's share material), and so is a
  // buffer outgrown, before it is freed.
  const size_t kept = s.corr.size() - s.head;
  if (s.head > 0 && (s.head >= kept || s.corr.capacity() < s.corr.size() + words)) {
    std::copy(s.corr.begin() + static_cast<std::ptrdiff_t>(s.head), s.corr.end(), s.corr.begin());
    sodium_memzero(s.corr.data() + kept, s.head * sizeof(uint64_t));
    s.corr.resize(kept);
    s.head = 0;
  }
  if (s.corr.capacity() < s.corr.size() + words) {
    std::vector<uint64_t> bigger;
    bigger.reserve(std::max<uint64_t>(2 * s.corr.capacity(), s.corr.size() + words));
    bigger.assign(s.corr.begin(), s.corr.end());
    wipe(s.corr);
    s.corr.swap(bigger);
  }
  decodeBatch(msg, r, s.corr);
  wipe(msg);
  inflight_.pop_front();
  inflightWords_ -= r.count * correctionWordsPerElem(r.key);
  s.pending -= r.count;
  pump(); // the answer returned its credit
}

void DealerClient::expect(const StreamKey &key, uint64_t count) {
  if (count == 0) return;
  stream(key).ahead += count;
  readAhead(key);
}

void DealerClient::prefetch(const bc::PreprocNeeds &needs, uint32_t fracBits) {
  if (party_ != 0) return;
  auto ask = [&](StreamKey key, uint64_t count) { expect(key, count); };
  // The needs are bc::opMaterial summed over the program: what the protocol draws.
  for (bc::Material k : bc::kAllMaterials) {
    const uint64_t n = needs.material[k];
    switch (k) {
    case bc::Material::Triple:
    case bc::Material::BoolTriple:
    case bc::Material::DaBit:
    case bc::Material::EdaBit:
      ask({kindOf(k)}, n);
      break;
    case bc::Material::Trunc:
      if (fracBits >= 1 && fracBits <= 62) ask({Kind::Trunc, fracBits}, n);
      break;
    case bc::Material::MatTriple:
    case bc::Material::Shuffle:
      break; // one stream per shape: prefetch(Program) walks the code
    }
  }
}

void DealerClient::prefetch(const bc::Program &prog) {
  if (party_ != 0) return;
  // Truncation material is one stream per shift: trunc.s draws its own
  // shift, bit.s vm::Preprocessing::kBitShift. The code says how the
  // header's total splits between them (in code order, at most the total);
  // what it leaves (a loop's further iterations) goes to the fixed-point
  // shift, as prefetch(needs) would. Drawn from a stream nobody prefetched,
  // every bit.s of a sort waited for its own round trip to the dealer.
  bc::PreprocNeeds rest = prog.needs;
  uint64_t &truncLeft = rest.material[bc::Material::Trunc];
  std::map<uint32_t, uint64_t> byShift;
  for (const bc::Instr &in : prog.code) {
    if (in.op != bc::Op::TruncS && in.op != bc::Op::BitS) continue;
    const uint32_t shift = in.op == bc::Op::BitS ? vm::Preprocessing::kBitShift : uint32_t(in.a[2]);
    bc::OpShape shape;
    shape.len = prog.sregLen[in.a[0]];
    const uint64_t n =
        std::min(bc::opMaterial(in.op, shape, dealerId_)[bc::Material::Trunc], truncLeft);
    if (!validateKey({Kind::Trunc, shift}).empty()) continue;
    byShift[shift] += n;
    truncLeft -= n;
  }
  prefetch(rest, prog.fracBits);
  for (const auto &[shift, n] : byShift)
    expect({Kind::Trunc, shift}, n);
  for (const bc::Instr &in : prog.code) {
    if (in.op != bc::Op::MatMulSS) continue;
    // Verified programs keep these in range; validate anyway since a bad
    // key would make the dealer refuse the whole job.
    const StreamKey key{Kind::MatTriple, uint32_t(in.a[3]), uint32_t(in.a[4]), uint32_t(in.a[5])};
    if (validateKey(key).empty()) expect(key, 1);
  }
  // One turn per party for every shuffle, in the order the protocol draws them.
  for (const bc::Instr &in : prog.code) {
    if (in.op != bc::Op::ShuffleS || in.a[2] < 1) continue;
    const uint64_t width = uint64_t(in.a[2]), rows = prog.sregLen[in.a[0]] / width;
    for (uint32_t j = 0; j < dealerId_; ++j) {
      const StreamKey key{Kind::Shuffle, j, uint32_t(rows), uint32_t(width)};
      if (validateKey(key).empty()) expect(key, 1);
    }
  }
}

DealerClient::Stream &DealerClient::claim(const StreamKey &key, uint64_t count) {
  if (std::string e = validateKey(key); !e.empty()) throw DealerError("bad material request: " + e);
  Stream &s = stream(key);
  used_[key.kind] += count;
  return s;
}

void DealerClient::requestMissing(Stream &s, const StreamKey &key, uint64_t count) {
  const uint64_t per = correctionWordsPerElem(key);
  const uint64_t held = (s.corr.size() - s.head) / per + s.pending;
  if (held >= count) return;
  // Short: take the rest from the prediction first, then ask beyond it.
  const uint64_t missing = count - held;
  const uint64_t predicted = std::min(s.ahead, missing);
  s.ahead -= predicted;
  const uint64_t extra = missing - predicted;
  const uint64_t minExtra =
      key.kind == Kind::MatTriple || key.kind == Kind::Shuffle ? uint64_t(1) : kMinRequest;
  request(key, predicted + (extra ? std::max(extra, minExtra) : 0));
}

void DealerClient::takeCorrections(Stream &s, const StreamKey &key, uint64_t count,
                                   std::span<uint64_t> out) {
  const uint64_t per = correctionWordsPerElem(key);
  const uint64_t need = count * per;
  if (out.size() != need) throw DealerError("preprocessing request has inconsistent buffer sizes");
  auto have = [&] { return s.corr.size() - s.head; };
  requestMissing(s, key, count);
  while (have() < need)
    receiveOne();
  std::copy_n(s.corr.data() + s.head, need, out.data());
  sodium_memzero(s.corr.data() + s.head, need * sizeof(uint64_t));
  s.head += need;
  readAhead(key);
}

void DealerClient::draw(const StreamKey &key, uint64_t count, std::vector<uint64_t> &prgWords,
                        std::vector<uint64_t> &corr) {
  Stream &s = claim(key, count);
  prgWords.resize(count * prgWordsPerElem(key, party_));
  s.prg.fill(std::span<uint64_t>(prgWords));
  if (party_ != 0) return;
  corr.resize(count * correctionWordsPerElem(key));
  takeCorrections(s, key, count, corr);
}

template <class F> void DealerClient::drawChunks(const StreamKey &key, uint64_t count, F &&fn) {
  Stream &s = claim(key, count);
  const uint64_t pw = prgWordsPerElem(key, party_), per = correctionWordsPerElem(key);
  // Whole words of bit-sliced elements per chunk (64 lanes each).
  const uint64_t chunk = std::max<uint64_t>(64, kDrawChunkWords / pw / 64 * 64);
  if (scratch_.size() < chunk * pw) scratch_.resize(chunk * pw);
  if (party_ == 0) requestMissing(s, key, count);
  for (uint64_t first = 0; first < count; first += chunk) {
    const uint64_t n = std::min(chunk, count - first);
    std::span<uint64_t> prg(scratch_.data(), n * pw);
    s.prg.fill(prg);
    const uint64_t *corr = nullptr;
    if (party_ == 0) {
      while (s.corr.size() - s.head < n * per)
        receiveOne();
      corr = s.corr.data() + s.head;
    }
    fn(static_cast<const uint64_t *>(prg.data()), corr, first, n);
    if (party_ == 0) {
      sodium_memzero(s.corr.data() + s.head, n * per * sizeof(uint64_t));
      s.head += n * per;
      readAhead(key); // keep the dealer working while this draw goes on
    }
  }
  sodium_memzero(scratch_.data(), std::min<uint64_t>(count, chunk) * pw * sizeof(uint64_t));
}

namespace {
void checkSizes(bool ok) {
  if (!ok) throw DealerError("preprocessing request has inconsistent buffer sizes");
}
uint64_t wordsFor(uint64_t elems) {
  return (elems + 63) / 64;
}
} // namespace

void DealerClient::drawTriples(Kind kind, std::span<uint64_t> a, std::span<uint64_t> b,
                               std::span<uint64_t> c) {
  checkSizes(a.size() == b.size() && b.size() == c.size());
  if (a.empty()) return;
  const uint64_t pw = prgWordsPerElem({kind}, party_);
  drawChunks({kind}, a.size(),
             [&](const uint64_t *w, const uint64_t *corr, uint64_t first, uint64_t n) {
               for (uint64_t i = 0; i < n; ++i) {
                 a[first + i] = w[pw * i];
                 b[first + i] = w[pw * i + 1];
                 c[first + i] = corr ? corr[i] : w[pw * i + 2];
               }
             });
}

void DealerClient::triples(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c) {
  drawTriples(Kind::Triple, a, b, c);
}

void DealerClient::boolTriples(std::span<uint64_t> a, std::span<uint64_t> b,
                               std::span<uint64_t> c) {
  drawTriples(Kind::BoolTriple, a, b, c);
}

void DealerClient::matrixTriple(uint32_t m, uint32_t k, uint32_t n, std::span<uint64_t> a,
                                std::span<uint64_t> b, std::span<uint64_t> c) {
  checkSizes(a.size() == uint64_t(m) * k && b.size() == uint64_t(k) * n &&
             c.size() == uint64_t(m) * n);
  const StreamKey key{Kind::MatTriple, m, k, n};
  std::vector<uint64_t> w, corr;
  draw(key, 1, w, corr);
  std::copy(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(a.size()), a.begin());
  std::copy(w.begin() + static_cast<std::ptrdiff_t>(a.size()),
            w.begin() + static_cast<std::ptrdiff_t>(a.size() + b.size()), b.begin());
  if (party_ == 0)
    std::copy(corr.begin(), corr.end(), c.begin());
  else
    std::copy(w.begin() + static_cast<std::ptrdiff_t>(a.size() + b.size()), w.end(), c.begin());
  wipe(w);
  wipe(corr);
}

void DealerClient::daBits(std::span<uint64_t> arith, std::span<uint64_t> bits) {
  checkSizes(bits.size() == wordsFor(arith.size()));
  if (arith.empty()) return;
  const uint64_t pw = prgWordsPerElem({Kind::DaBit}, party_);
  std::fill(bits.begin(), bits.end(), 0);
  drawChunks({Kind::DaBit}, arith.size(),
             [&](const uint64_t *w, const uint64_t *corr, uint64_t first, uint64_t n) {
               for (uint64_t i = 0; i < n; ++i) {
                 const uint64_t e = first + i;
                 bits[e / 64] |= (w[pw * i] & 1) << (e % 64);
                 arith[e] = corr ? corr[i] : w[pw * i + 1];
               }
             });
}

void DealerClient::edaBits(std::span<uint64_t> r, std::span<uint64_t> bits) {
  const uint64_t words = wordsFor(r.size());
  checkSizes(bits.size() == 64 * words);
  if (r.empty()) return;
  const uint64_t pw = prgWordsPerElem({Kind::EdaBit}, party_);
  drawChunks({Kind::EdaBit}, r.size(),
             [&](const uint64_t *w, const uint64_t *corr, uint64_t first, uint64_t n) {
               // Bit-slice a word of 64 elements at a time: bit b of element
               // e goes to word (b, e / 64), bit e % 64 (chunks start at
               // multiples of 64).
               uint64_t rows[64];
               for (uint64_t i = 0; i < n; i += 64) {
                 const uint64_t lanes = std::min<uint64_t>(64, n - i);
                 for (uint64_t j = 0; j < 64; ++j)
                   rows[j] = j < lanes ? w[pw * (i + j)] : 0;
                 protocols::transpose64(rows);
                 const uint64_t word = (first + i) / 64;
                 for (unsigned bit = 0; bit < 64; ++bit)
                   bits[bit * words + word] = rows[bit];
               }
               sodium_memzero(rows, sizeof rows);
               for (uint64_t i = 0; i < n; ++i)
                 r[first + i] = corr ? corr[i] : w[pw * i + 1];
             });
}

void DealerClient::truncPairs(uint32_t shift, std::span<uint64_t> r, std::span<uint64_t> msb,
                              std::span<uint64_t> high) {
  checkSizes(r.size() == msb.size() && msb.size() == high.size());
  if (r.empty()) return;
  const StreamKey key{Kind::Trunc, shift};
  const uint64_t pw = prgWordsPerElem(key, party_);
  drawChunks(key, r.size(),
             [&](const uint64_t *w, const uint64_t *corr, uint64_t first, uint64_t n) {
               for (uint64_t i = 0; i < n; ++i) {
                 r[first + i] = w[pw * i];
                 msb[first + i] = corr ? corr[2 * i] : w[pw * i + 1];
                 high[first + i] = corr ? corr[2 * i + 1] : w[pw * i + 2];
               }
             });
}

void DealerClient::shuffleTurn(uint32_t permuter, uint32_t rows, uint32_t width,
                               std::span<uint32_t> perm, std::span<uint64_t> mask,
                               std::span<uint64_t> share) {
  const uint64_t words = uint64_t(rows) * width;
  const bool mine = permuter == party_;
  checkSizes(permuter < dealerId_ && share.size() == words && perm.size() == (mine ? rows : 0) &&
             mask.size() == (mine ? 0 : words));
  const StreamKey key{Kind::Shuffle, permuter, rows, width};
  // The stream's words go straight into the caller's buffers (a turn is
  // rows * width words: no staging copy), in the generator's order: the
  // permutation's words or the mask, then (parties > 0) the share.
  Stream &s = claim(key, 1);
  if (mine) {
    std::vector<uint64_t> pw(crypto::kPermWordsPerElem * rows);
    s.prg.fill(std::span<uint64_t>(pw));
    crypto::perm_from_words(pw, perm);
    wipe(pw);
  } else {
    s.prg.fill(mask);
  }
  if (party_ == 0)
    takeCorrections(s, key, 1, share);
  else
    s.prg.fill(share);
}

} // namespace smpc::dealer

//===- dealer.cpp - seeds out, corrections on request ---------------------===//
#include "runtime/preproc/dealer/dealer.h"

#include "runtime/preproc/dealer/generator.h"
#include "runtime/preproc/dealer/wipe.h"
#include "runtime/preproc/dealer/wire.h"

#include <string>

namespace smpc::dealer {

DealerStats serveJob(vm::Channel &ch, uint32_t parties) {
  if (parties < 2 || ch.self() != parties)
    throw DealerError("the dealer must be node " + std::to_string(parties) +
                      " of a job with at least 2 parties");
  const uint32_t n = parties;
  DealerStats st;
  std::vector<crypto::Seed> seeds;
  for (uint32_t i = 0; i < n; ++i) {
    SeedMsg m{i, n, crypto::seed_keygen()};
    seeds.push_back(m.seed);
    auto bytes = encodeSeed(m);
    ch.send(i, bytes);
    st.bytesSent += bytes.size();
    wipe(bytes);
    wipe(m.seed);
  }
  Generator gen(seeds);
  for (auto &s : seeds)
    wipe(s);
  // One correction buffer and one message buffer for the whole job, grown
  // to the largest batch: no allocation (and no page faults) per batch.
  std::vector<uint64_t> corr;
  std::vector<uint8_t> out;
  struct WipeAll { // also when an error ends the job
    std::vector<uint64_t> &c;
    std::vector<uint8_t> &o;
    ~WipeAll() {
      wipe(c);
      wipe(o);
    }
  } wipeAll{corr, out};
  for (;;) {
    const std::vector<uint8_t> msg = ch.recv(0);
    RequestMsg req;
    if (!decodeRequest(msg, req)) break;
    const uint64_t words = req.count * correctionWordsPerElem(req.key);
    if (corr.size() < words) {
      wipe(corr);
      corr.assign(words, 0);
    }
    std::span<uint64_t> c(corr.data(), words);
    gen.corrections(req, c);
    encodeBatch(req, c, out);
    sodium_memzero(c.data(), c.size_bytes());
    ch.send(0, out);
    st.bytesSent += out.size();
    wipe(out);
    ++st.requests;
  }
  st.elements = gen.elementsGenerated();
  return st;
}

} // namespace smpc::dealer

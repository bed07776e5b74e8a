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
  for (;;) {
    const std::vector<uint8_t> msg = ch.recv(0);
    RequestMsg req;
    if (!decodeRequest(msg, req)) break;
    std::vector<uint64_t> corr = gen.corrections(req);
    auto out = encodeBatch(req, corr);
    ch.send(0, out);
    st.bytesSent += out.size();
    wipe(corr);
    wipe(out);
    ++st.requests;
  }
  st.elements = gen.elementsGenerated();
  return st;
}

} // namespace smpc::dealer

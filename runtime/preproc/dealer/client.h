//===- client.h - a party's view of the dealer: vm::Preprocessing ---------===//
//
// Parties 1..N-1 derive all their material from the seed the dealer sent them
// and never talk to the dealer again. Party 0 derives its random parts the
// same way and receives corrections from the dealer. The dealer sends only
// what party 0 asked for, and party 0 keeps what it has asked for and not yet
// received within a window (kMaxInflightWords): credit-based flow control, so
// a program that needs 10^11 triples streams them instead of buffering them.
// prefetch() records what the program header predicts; each stream then
// reads ahead up to kStreamWindowWords, so the dealer generates ahead of
// demand. Anything beyond the prediction is requested when it is needed.
// Every element of every stream is handed out exactly once.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/preproc/dealer/material.h"
#include "runtime/preproc/dealer/wire.h"
#include "vm/bytecode/program.h"
#include "vm/core/channel.h"
#include "vm/core/preprocessing.h"

#include <cstdint>
#include <deque>
#include <map>
#include <vector>

namespace smpc::dealer {

class DealerClient final : public vm::Preprocessing {
public:
  /// Receives this party's seed from the dealer, node `parties` of `ch`.
  /// Throws DealerError if the seed message is malformed or addressed to
  /// another party.
  DealerClient(vm::Channel &ch, uint32_t parties);
  ~DealerClient() override;
  DealerClient(const DealerClient &) = delete;
  DealerClient &operator=(const DealerClient &) = delete;

  /// Party 0: records what `needs` predicts (fix-point truncations use
  /// shift `fracBits`) and asks the dealer for the first window of each
  /// stream. No effect on other parties.
  void prefetch(const bc::PreprocNeeds &needs, uint32_t fracBits);
  /// Party 0: the above for `prog.needs`, plus one matrix triple for every
  /// matmul.ss in the code (their shapes are not in `needs`); a matmul in a
  /// loop asks for the rest on demand.
  void prefetch(const bc::Program &prog);
  /// Party 0: tells the dealer the job is over (also done by the destructor,
  /// unless it runs because of an exception: then the dealer sees a failure).
  void finish();

  void triples(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c) override;
  void matrixTriple(uint32_t m, uint32_t k, uint32_t n, std::span<uint64_t> a,
                    std::span<uint64_t> b, std::span<uint64_t> c) override;
  void boolTriples(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c) override;
  void daBits(std::span<uint64_t> arith, std::span<uint64_t> bits) override;
  void edaBits(std::span<uint64_t> r, std::span<uint64_t> bits) override;
  void truncPairs(uint32_t shift, std::span<uint64_t> r, std::span<uint64_t> msb,
                  std::span<uint64_t> high) override;
  void shuffleTurn(uint32_t permuter, uint32_t rows, uint32_t width, std::span<uint32_t> perm,
                   std::span<uint64_t> mask, std::span<uint64_t> share) override;

  /// Elements handed out so far, per stream kind.
  uint64_t used(Kind kind) const;

  /// Smallest request party 0 sends when it runs short (elements).
  static constexpr uint64_t kMinRequest = 4096;
  /// Prefetch requests are split into batches of this many words.
  static constexpr uint64_t kPrefetchBatchWords = uint64_t(1) << 17;
  /// Predicted material each stream reads ahead (requested, not yet drawn).
  static constexpr uint64_t kStreamWindowWords = uint64_t(1) << 19;
  /// Correction words asked for and not yet received, all streams together
  /// (at least one request is always in flight, whatever its size).
  static constexpr uint64_t kMaxInflightWords = uint64_t(1) << 20;

  /// PRG words a chunk of drawChunks() holds at most: small enough to stay
  /// in the cache.
  static constexpr uint64_t kDrawChunkWords = uint64_t(1) << 13;

  /// The most correction words that were in flight at once.
  uint64_t inflightPeak() const { return inflightPeak_; }

private:
  struct Stream {
    crypto::Prg prg;
    std::vector<uint64_t> corr; // party 0: corrections received, not yet used
    size_t head = 0;            // next unused correction word
    uint64_t pending = 0;       // party 0: elements requested, not yet received
    uint64_t ahead = 0;         // party 0: predicted elements not requested yet
    explicit Stream(const crypto::Seed &s) : prg(s) {}
  };

  Stream &stream(const StreamKey &key);
  /// Draws `count` elements of `key`: this party's PRG words and (party 0)
  /// the matching corrections.
  void draw(const StreamKey &key, uint64_t count, std::vector<uint64_t> &prgWords,
            std::vector<uint64_t> &corr);
  /// The two halves of draw() for callers that fill their own buffers:
  /// claim() checks the key and counts the elements, then the caller reads
  /// the elements' PRG words from the stream in order, then (party 0)
  /// takeCorrections() copies the matching corrections into `out`.
  Stream &claim(const StreamKey &key, uint64_t count);
  void takeCorrections(Stream &s, const StreamKey &key, uint64_t count, std::span<uint64_t> out);
  /// Draws `count` elements of `key` a chunk at a time, with no buffer of
  /// the whole draw: fn(prg, corr, first, n) gets the PRG words of elements
  /// [first, first + n) in a small reused scratch buffer and (party 0, else
  /// null) their corrections in place in the stream's buffer; both are
  /// wiped once fn returns.
  template <class F> void drawChunks(const StreamKey &key, uint64_t count, F &&fn);
  /// Party 0: asks the dealer for whatever of `count` elements the stream
  /// neither holds nor has asked for yet.
  void requestMissing(Stream &s, const StreamKey &key, uint64_t count);
  /// Triples of either kind: a, b from the PRG, c from the PRG or (party 0)
  /// the corrections.
  void drawTriples(Kind kind, std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c);
  /// Queues requests for `count` elements of `key` (sent by pump()).
  void request(const StreamKey &key, uint64_t count);
  /// Party 0: requests predicted material of `key` up to its window.
  void readAhead(const StreamKey &key);
  /// Party 0: predicts `count` more elements of `key` and reads ahead.
  void expect(const StreamKey &key, uint64_t count);
  /// Sends queued requests while the window allows (always one if none is
  /// in flight).
  void pump();
  void receiveOne();

  vm::Channel &ch_;
  uint32_t dealerId_;
  uint32_t party_ = 0;
  crypto::Seed seed_{};
  std::map<StreamKey, Stream> streams_;
  std::deque<RequestMsg> queued_, inflight_; // requests not sent yet; sent, not answered
  uint64_t inflightWords_ = 0, inflightPeak_ = 0;
  std::map<Kind, uint64_t> used_;
  std::vector<uint64_t> scratch_; // drawChunks' PRG words, wiped after every draw
  bool finished_ = false;
};

} // namespace smpc::dealer

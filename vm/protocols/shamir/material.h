//===- material.h - Shamir preprocessing made by the parties, in the background
//
// A thread on its own channel makes, ahead of the online phase and without
// any dealer:
//   * double sharings (Damgard-Nielsen 2007) of random ring constants and of
//     random bits, for degree reduction: t+1 parties each deal one random
//     value with degree t and 2t, the sum is uniform if one of them is honest;
//   * random bits, the XOR of t+1 dealt bits (b + c - 2bc, one product per
//     dealt bit), for truncation;
//   * daBits, the same with each dealt bit also shared in GF(2^d), where the
//     XOR is a sum.
// Party 0 decides what is made next and tells the others (like the OT
// triple pool), so every party makes the same material in the same order;
// pools are bounded and what is taken is wiped (by this thread, off the
// online path). docs/protocols.md.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/core/channel.h"
#include "vm/crypto/prg.h"
#include "vm/protocols/common/words.h"
#include "vm/protocols/shamir/params.h"

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace smpc::shamir {

class Generator;

enum class Kind : uint8_t { ArithDouble, BoolDouble, RandBit, DaBit64 };
inline constexpr size_t kKinds = 4;

struct MaterialConfig {
  /// Pool capacity per kind, in records: arithmetic double sharings, boolean
  /// double sharings (64 bits each), random bits, groups of 64 daBits.
  std::array<size_t, kKinds> capacity = {1 << 17, 1 << 13, 1 << 16, 1 << 8};
  std::chrono::milliseconds heartbeat{200};
};

class Material {
public:
  /// Starts the thread; `bg` connects the same parties as the online channel
  /// and is used by this object only.
  Material(vm::Channel &bg, const Params &P, const std::vector<crypto::Seed> &pairSeeds,
           MaterialConfig cfg = {});
  /// Party 0 tells the others to stop; the others wait for that.
  ~Material();
  Material(const Material &) = delete;
  Material &operator=(const Material &) = delete;

  /// n records of `kind`, planar: ArithDouble and BoolDouble give rt (d
  /// planes of n) and this party's word of r2t, coef0(lamO[self] r2t) (n
  /// words; parties 0..2t only, the others pass an empty b), RandBit gives one d-plane vector (a),
  /// DaBit64 gives a (d planes of 64n) and b (d planes of n words). Blocks while the pool is empty;
  /// throws vm::ProtocolError if the thread failed.
  void take(Kind kind, size_t n, std::span<uint64_t> a, std::span<uint64_t> b = {});

  /// Blocks until the pool of `kind` holds min(records, its capacity)
  /// records (benchmarks and warm-up).
  void waitForLevel(Kind kind, size_t records);

  /// While an online round group runs, the thread makes only what the
  /// online phase is waiting for: refilling the pools then would take CPU
  /// and bandwidth from the online phase (it resumes when the group ends).
  void setOnline(bool online);

  /// Words of one record.
  size_t recordWords(Kind kind) const;

private:
  struct Cmd {
    uint8_t op = 0; // 0 idle, 1 generate, 2 stop
    Kind kind = Kind::ArithDouble;
    uint32_t count = 0;
  };
  void run();
  void leaderLoop();
  void followerLoop();
  void execute(const Cmd &cmd);
  void push(Kind kind, protocols::WordVector &records);
  size_t level(size_t kind) const; // records in a pool; mu_ held

  vm::Channel &ch_;
  const Params &P_;
  std::vector<crypto::Seed> seeds_;
  MaterialConfig cfg_;
  uint64_t batch_ = 0; // batches made so far: rotates the dealers

  mutable std::mutex mu_;
  std::condition_variable cv_;
  // Records, oldest first from head_; freed memory (a reallocation, the
  // front dropped by push) is wiped by the allocator.
  std::array<protocols::WordVector, kKinds> pool_;
  std::array<size_t, kKinds> head_{};  // first unconsumed word
  std::array<size_t, kKinds> wiped_{}; // words before this are zero
  std::array<bool, kKinds> waiting_{};
  bool stop_ = false, failed_ = false, online_ = false;
  std::string error_;
  std::unique_ptr<Generator> gen_; // the background thread's (its streams, exchange)
  std::thread thread_;
};

} // namespace smpc::shamir

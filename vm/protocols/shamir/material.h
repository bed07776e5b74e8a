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
// online path). Products read their double sharings in the pool (Doubles),
// in the planar layout they are kept in. docs/protocols.md.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/core/channel.h"
#include "vm/crypto/prg.h"
#include "vm/protocols/common/words.h"
#include "vm/protocols/shamir/params.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace smpc::shamir {

class Generator;
class Material;

enum class Kind : uint8_t { ArithDouble, BoolDouble, RandBit, DaBit64 };
inline constexpr size_t kKinds = 4;

/// One generation step's records of one kind, stored as planes in the order
/// take() hands them out: `a` planes of aWidth words per record, then `b`
/// planes of bWidth words (Material::layout), each plane `records` records
/// long. Kept in the layout the online phase reads, so a product reads its
/// double sharings where they lie.
struct Batch {
  protocols::Words words;
  size_t records = 0;
  size_t used = 0;  // records handed out, from the front
  size_t wiped = 0; // records at the front already zeroed (the pool's thread)
};

/// n double sharings taken from the pool, read in place: [r]_t (d planes)
/// and, on the parties 0..2t, this party's word of [r]_2t (plane d), for
/// elements 0..n-1 of an operation. They lie in one or more pieces: in the
/// pool's batches (held until this is destroyed, then given back to the
/// background thread, which wipes and frees them off the online path), or in
/// one owned buffer (Doubles::owned, the background thread's own products).
class Doubles {
public:
  /// Elements [begin, begin + count): plane p of element i is
  /// base[p * stride + (i - begin)].
  struct Piece {
    const uint64_t *base;
    size_t stride, begin, count;
    const uint64_t *plane(uint32_t p, size_t i) const { return base + p * stride + (i - begin); }
  };
  Doubles() = default;
  /// d (or d + 1, with the words) planes of n in one buffer.
  static Doubles owned(protocols::Words planes, size_t n);
  ~Doubles();
  Doubles(Doubles &&) noexcept;
  Doubles &operator=(Doubles &&) noexcept;
  Doubles(const Doubles &) = delete;
  Doubles &operator=(const Doubles &) = delete;

  size_t size() const { return n_; }
  const std::vector<Piece> &pieces() const { return pieces_; }
  /// Calls f(piece, lo, hi) for each piece's share of elements [lo, hi) within [b, e).
  template <class F> void forRange(size_t b, size_t e, F &&f) const {
    for (const Piece &pc : pieces_) {
      const size_t lo = std::max(b, pc.begin), hi = std::min(e, pc.begin + pc.count);
      if (lo < hi) f(pc, lo, hi);
    }
  }

private:
  friend class Material;
  void release();
  std::vector<Piece> pieces_;
  size_t n_ = 0;
  protocols::Words owned_;
  Material *home_ = nullptr;
  std::vector<std::shared_ptr<Batch>> held_;
};

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

  /// n records of `kind`, copied out planar: RandBit gives one d-plane
  /// vector (a), DaBit64 gives a (d planes of 64n) and b (d planes of n
  /// words); ArithDouble and BoolDouble give rt (d planes of n) and, in b,
  /// this party's word of r2t (parties 0..2t only; the others pass an empty
  /// b). Blocks while the pool is empty; throws vm::ProtocolError if the
  /// thread failed.
  void take(Kind kind, size_t n, std::span<uint64_t> a, std::span<uint64_t> b = {});
  /// n double sharings (ArithDouble or BoolDouble) without a copy: read them
  /// where the pool keeps them (Doubles). Blocks and throws like take().
  Doubles takeDoubles(Kind kind, size_t n);

  /// Blocks until the pool of `kind` holds min(records, its capacity)
  /// records (benchmarks and warm-up).
  void waitForLevel(Kind kind, size_t records);

  /// While an online round group runs, the thread makes only what the
  /// online phase is waiting for: refilling the pools then would take CPU
  /// and bandwidth from the online phase (it resumes when the group ends).
  void setOnline(bool online);

  /// Words of one record.
  size_t recordWords(Kind kind) const;
  /// A batch's planes: `a` planes of aWidth words per record, then `b`
  /// planes of bWidth.
  struct Layout {
    uint32_t aPlanes, aWidth, bPlanes, bWidth;
  };
  Layout layout(Kind kind) const;

private:
  friend class Doubles;
  struct Cmd {
    uint8_t op = 0; // 0 idle, 1 generate, 2 stop
    Kind kind = Kind::ArithDouble;
    uint32_t count = 0;
  };
  void run();
  void leaderLoop();
  void followerLoop();
  void execute(const Cmd &cmd);
  void push(Kind kind, std::shared_ptr<Batch> batch);
  /// Frees the batches given back and wipes what was taken from the rest;
  /// the background thread only.
  void tidy();
  /// Waits until `kind` has a record (or the thread failed); mu_ held.
  void awaitRecords(std::unique_lock<std::mutex> &lk, size_t k);
  /// Retires the front batch of kind k if it is used up; mu_ held.
  void dropUsedFront(size_t k);
  void giveBack(std::vector<std::shared_ptr<Batch>> &batches);
  size_t level(size_t kind) const { return level_[kind]; } // records in a pool; mu_ held

  vm::Channel &ch_;
  const Params &P_;
  std::vector<crypto::Seed> seeds_;
  MaterialConfig cfg_;
  uint64_t batch_ = 0; // batches made so far: rotates the dealers

  mutable std::mutex mu_;
  std::condition_variable cv_;
  // Batches, oldest first; the front one's `used` records are gone. A batch
  // is freed (and wiped, by Words) only by this object's thread: what is used
  // up or given back goes to retired_ first.
  std::array<std::deque<std::shared_ptr<Batch>>, kKinds> pool_;
  std::array<size_t, kKinds> level_{};
  std::vector<std::shared_ptr<Batch>> retired_;
  std::array<bool, kKinds> waiting_{};
  bool stop_ = false, failed_ = false, online_ = false;
  uint64_t groupsEnded_ = 0; // round groups ended (setOnline(false))
  std::string error_;
  std::unique_ptr<Generator> gen_; // the background thread's (its streams, exchange)
  std::thread thread_;
};

} // namespace smpc::shamir

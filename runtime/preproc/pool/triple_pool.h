//===- triple_pool.h - preprocessing pools filled by a background thread --===//
//
// TriplePool fronts a generator (OT or dealer) that runs on its own thread
// and its own vm::Channel, so material is made while the online phase runs
// or idles. The online phase draws from bounded pools and blocks only when
// a pool is empty (and logs that it waited). Party 0 decides what is made
// next and sends that decision to the others (pool_command.h), so all
// generators make the same calls in the same order. Matrix triples and
// truncation pairs for an unusual shift are made on demand, in request order.
// Drawn material is wiped from the pool (PoolRing): it is never handed out twice.
// When the generator goes idle after making something, the process's freed
// heap memory is returned to the system (malloc_trim): the generation's
// working memory does not stay resident between fills.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/preproc/pool/pool_command.h"
#include "runtime/preproc/pool/pool_ring.h"
#include "vm/core/channel.h"
#include "vm/core/preprocessing.h"

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace smpc::preproc {

struct PoolConfig {
  /// Pool capacity per kind (PoolKind order), in records.
  std::array<std::size_t, kPoolKinds> capacity = kDefaultPoolCapacity;
  /// Records per kind the background makes in all (a program's predicted
  /// needs, when they bound its run): the pool stops there instead of
  /// topping up to capacity forever. A draw that finds its pool empty after
  /// that still gets a batch, so a wrong prediction costs waits, not errors.
  std::array<uint64_t, kPoolKinds> budget = unlimitedBudget();
  static constexpr std::array<uint64_t, kPoolKinds> unlimitedBudget() {
    std::array<uint64_t, kPoolKinds> b{};
    b.fill(UINT64_MAX);
    return b;
  }
  /// Records made per generator call: a batch of the pool is made and
  /// pushed in steps of this many, so the staging buffers stay small. Every
  /// party must use the same value (the generators' calls must match).
  std::size_t stageRecords = std::size_t{1} << 16;
  /// Shift of the pooled truncation pairs (the fixed-point fraction bits).
  uint32_t truncShift = 16;
  /// When the leader has nothing to make it sends a heartbeat this often.
  std::chrono::milliseconds heartbeat{200};
  /// Computing parties (0: all of the channel's parties); see OtOptions.
  uint32_t parties = 0;
  /// Receives one line per wait of the online phase; default: stderr.
  std::function<void(const std::string &)> log;
};

struct PoolKindStatus {
  const char *name = "";
  std::size_t level = 0, capacity = 0;
  uint64_t generated = 0, drawn = 0; // records
  double ratePerSecond = 0;          // records per second of generation time
};

/// One item of on-demand material (a matrix triple, the truncation pairs of
/// one request, a shuffle turn) as the generator made it: a, b, c as in
/// TriplePool::execute. Wiped when destroyed.
struct ShapedItem {
  PoolCommand cmd;
  std::vector<uint64_t> a, b, c;
  ShapedItem() = default;
  ShapedItem(ShapedItem &&) noexcept = default;
  ShapedItem &operator=(ShapedItem &&o) noexcept;
  ShapedItem(const ShapedItem &) = delete;
  ShapedItem &operator=(const ShapedItem &) = delete;
  ~ShapedItem();
};

struct PoolStatus {
  std::array<PoolKindStatus, kPoolKinds> kinds;
  uint64_t stockItems = 0, stockWanted = 0; // stocked on-demand items, and the targets' sum
  uint64_t waits = 0;                       // draws that found their pool empty
  double waitedSeconds = 0;                 // total time the online phase waited
  const char *waitingFor = nullptr;         // the kind the online phase waits for now, if any
  bool failed = false;                      // the background generator stopped with an error
  std::string error;                        // its message (never contains secrets)
};

class TriplePool final : public vm::Preprocessing {
public:
  /// `generator` must use `background` and nothing else uses either; both
  /// are used only by the pool's thread, which starts at once.
  TriplePool(vm::Channel &background, std::unique_ptr<vm::Preprocessing> generator,
             PoolConfig cfg = {});
  /// Stops the thread. The leader tells the followers to stop; a follower's
  /// destructor waits for that (or for its channel to report the leader gone).
  ~TriplePool() override;
  TriplePool(const TriplePool &) = delete;
  TriplePool &operator=(const TriplePool &) = delete;

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

  /// Stock (leader): keep targets[shape] items of each shape made ahead, in
  /// the background after the waited-for kinds; followers make what the
  /// leader stocks. Replaces the previous targets (items held stay).
  void setStock(std::map<ShapeKey, std::size_t> targets);
  /// Items of `shape` stocked now.
  std::size_t stockLevel(const ShapeKey &shape) const;
  /// Moves `n` items of `shape` out of the stock, oldest first, waiting
  /// until this party's generator has made them (a follower takes what the
  /// leader took). Throws vm::NetError if generation fails meanwhile.
  std::vector<ShapedItem> takeStock(const ShapeKey &shape, std::size_t n);

  PoolStatus status() const;
  /// e.g. `pool triples=40960/65536 (210000/s) bool=... waiting=no waits=2 waited=0.031s`
  std::string statusLine() const;

private:
  using OnDemand = ShapedItem;

  void run();
  void leaderLoop();
  void followerLoop();
  void execute(const PoolCommand &cmd);
  /// Makes n records of `kind` and pushes them; adds the time since t0 to
  /// the kind's generation time and sets t0 to now.
  void generate(PoolKind kind, std::size_t n, std::chrono::steady_clock::time_point &t0);
  /// Pops n records of `kind` in chunks, waiting while the pool is empty;
  /// calls take(records, firstIndex) for each chunk.
  void draw(PoolKind kind, std::size_t n,
            const std::function<void(std::span<const uint64_t>, std::size_t)> &take);
  OnDemand onDemand(const PoolCommand &cmd);
  [[noreturn]] void throwFailed() const;

  vm::Channel &ch_;
  std::unique_ptr<vm::Preprocessing> gen_;
  PoolConfig cfg_;
  bool leader_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PoolRing>> rings_;
  std::deque<PoolCommand> requests_; // leader only: on-demand requests
  std::deque<OnDemand> results_;
  std::map<ShapeKey, std::deque<ShapedItem>> stock_;
  std::map<ShapeKey, std::size_t> stockTargets_; // leader only
  bool stop_ = false, failed_ = false;
  std::string error_;
  std::array<uint64_t, kPoolKinds> generated_{}, drawn_{};
  std::array<bool, kPoolKinds> waiting_{}; // the online phase is blocked on this kind
  std::array<double, kPoolKinds> genSeconds_{};
  bool madeSinceIdle_ = false; // background thread only: generated since the last Idle
  uint64_t waits_ = 0;
  double waitedSeconds_ = 0;

  std::thread thread_;
};

/// Wraps a generator (e.g. makeOtPreprocessing(background)) in a pool.
std::unique_ptr<TriplePool> makePooledPreprocessing(vm::Channel &background,
                                                    std::unique_ptr<vm::Preprocessing> generator,
                                                    PoolConfig cfg = {});

} // namespace smpc::preproc

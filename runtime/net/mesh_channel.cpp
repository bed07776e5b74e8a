//===- mesh_channel.cpp - vm::Channel over the mesh: send, recv, recvAny ---===//
#include "runtime/net/mesh_impl.h"

#include <cstring>
#include <functional>
#include <mutex>
#include <sodium.h>
#include <vector>

#if defined(__SANITIZE_THREAD__)
#define SMPC_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SMPC_TSAN 1
#endif
#endif
#ifdef SMPC_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace smpc::net {

using std::chrono::milliseconds;
using vm::NetError;

namespace {

// A frame we built reaches ZeroMQ's I/O thread, which frees it, through
// libzmq's lock-free pipe; libzmq is not instrumented, so ThreadSanitizer
// cannot see that hand-off (tests/tsan.supp) and would report the next
// writer of a recycled buffer as racing with the last. Tell it.
inline void handOff([[maybe_unused]] void *frame) {
#ifdef SMPC_TSAN
  __tsan_release(frame);
#endif
}
inline void takeBack([[maybe_unused]] void *frame) {
#ifdef SMPC_TSAN
  __tsan_acquire(frame);
#endif
}

// ZeroMQ free callback for frames we built: payloads may hold shares.
void wipeAndFree(void *data, void *size) {
  takeBack(data);
  sodium_memzero(data, reinterpret_cast<std::size_t>(size));
  std::free(data);
}

// Buffers for the frames of large messages, recycled: a fresh megabyte from
// malloc costs 256 page faults on first touch (and glibc unmaps or trims it
// again once ZeroMQ frees it), which made sending a large message cost ten
// times its copy (docs/benchmarks.md, "shamir: where the online time went").
// Process-wide, since ZeroMQ may free a frame after its mesh is gone; every
// buffer is wiped before it is reused or released.
class FramePool {
public:
  static constexpr std::size_t kBytes = kHeaderBytes + kChunkBytes;
  static constexpr std::size_t kMinPayload = std::size_t(1) << 16; // smaller: plain malloc
  static constexpr std::size_t kKeep = 32;                         // idle buffers (32 MiB)

  static FramePool &instance() {
    static FramePool *pool = new FramePool; // never destroyed: frees may come late
    return *pool;
  }
  uint8_t *get() {
    {
      std::lock_guard lk(mu_);
      if (!idle_.empty()) {
        uint8_t *p = idle_.back();
        idle_.pop_back();
        return p;
      }
    }
    auto *p = static_cast<uint8_t *>(std::malloc(kBytes));
    if (!p) throw std::bad_alloc();
    return p;
  }
  // ZeroMQ free callback: `used` bytes of `data` were written.
  static void recycle(void *data, void *used) {
    takeBack(data);
    sodium_memzero(data, reinterpret_cast<std::size_t>(used));
    FramePool &pool = instance();
    {
      std::lock_guard lk(pool.mu_);
      if (pool.idle_.size() < kKeep) {
        pool.idle_.push_back(static_cast<uint8_t *>(data));
        return;
      }
    }
    std::free(data);
  }

private:
  std::mutex mu_;
  std::vector<uint8_t *> idle_;
};

class MeshChannel final : public JobChannel {
public:
  MeshChannel(Mesh::Impl *m, std::shared_ptr<ChanState> st, bool unregister)
      : m_(m), st_(std::move(st)), unregister_(unregister) {}
  ~MeshChannel() override {
    if (!unregister_) return;
    std::lock_guard lk(m_->mu);
    m_->chans.erase({st_->job, st_->id});
    m_->rememberClosed({st_->job, st_->id});
    for (uint32_t p = 0; p < st_->links.size(); ++p)
      m_->clearLink(*st_, p);
  }
  uint32_t self() const override { return m_->self; }
  uint32_t parties() const override { return m_->cfg.numParties(); }
  uint64_t bytesSent() const override { return sent_; }
  uint64_t bytesReceived() const override { return received_; }

  void send(uint32_t to, std::span<const uint8_t> msg) override {
    sendParts(to, std::span<const std::span<const uint8_t>>(&msg, 1));
  }

  // The parts go into the frames directly, joined on the way.
  void sendParts(uint32_t to, std::span<const std::span<const uint8_t>> parts) override {
    if (to >= m_->nodes || to == m_->self)
      throw std::logic_error("Channel::send: invalid destination node " + std::to_string(to));
    auto now = Clock::now();
    size_t total = 0;
    for (auto part : parts)
      total += part.size();
    std::vector<zmq::message_t> frames;
    size_t off = 0, part = 0, inPart = 0; // the next byte: parts[part][inPart]
    uint64_t seq;
    {
      std::lock_guard lk(m_->mu);
      if (!st_->failed.empty()) return; // nobody reads an aborted job's messages
      seq = st_->sendSeq[to];
      st_->sendSeq[to] += total == 0 ? 1 : (total + kChunkBytes - 1) / kChunkBytes;
    }
    do {
      size_t n = std::min(kChunkBytes, total - off);
      FrameHeader h;
      h.type = off + n == total ? FrameType::DataEnd : FrameType::Data;
      h.channel = st_->id;
      h.job = st_->job;
      h.seq = seq++;
      h.length = n;
      // Our own buffer, so it can be wiped once ZeroMQ is done with it.
      const bool pooled = n >= FramePool::kMinPayload;
      auto *p = pooled ? FramePool::instance().get()
                       : static_cast<uint8_t *>(std::malloc(kHeaderBytes + n));
      if (!p) throw std::bad_alloc();
      encodeHeader(h, p);
      for (size_t done = 0; done < n;) {
        while (inPart == parts[part].size())
          ++part, inPart = 0;
        const size_t k = std::min(n - done, parts[part].size() - inPart);
        std::memcpy(p + kHeaderBytes + done, parts[part].data() + inPart, k);
        done += k, inPart += k;
      }
      handOff(p);
      frames.emplace_back(p, kHeaderBytes + n, pooled ? FramePool::recycle : wipeAndFree,
                          reinterpret_cast<void *>(kHeaderBytes + n));
      off += n;
    } while (off < total);
    {
      std::lock_guard lk(m_->mu);
      for (auto &f : frames) {
        sent_ += f.size();
        m_->outbox.push_back({to, now + m_->latency, std::move(f)});
      }
    }
    m_->wake();
  }

  std::vector<uint8_t> recv(uint32_t from) override {
    const Message m = next(from);
    std::vector<uint8_t> out(m.size);
    m.copyTo(out.data());
    return out;
  }

  // One copy, from the frames ZeroMQ decrypted to the reader's memory.
  size_t recvInto(uint32_t from, const std::function<uint8_t *(size_t)> &sink) override {
    const Message m = next(from);
    uint8_t *out = sink(m.size);
    if (m.size) m.copyTo(out);
    return m.size;
  }

  std::optional<std::pair<uint32_t, std::vector<uint8_t>>> recvAny(milliseconds timeout) override {
    auto m = nextAny(timeout);
    if (!m) return std::nullopt;
    std::vector<uint8_t> out(m->second.size);
    m->second.copyTo(out.data());
    return std::make_pair(m->first, std::move(out));
  }

  std::string failure() const override {
    std::lock_guard lk(m_->mu);
    return st_->failed;
  }

  void abort(const std::string &why) override {
    {
      std::lock_guard lk(m_->mu);
      if (st_->failed.empty()) st_->failed = why;
    }
    m_->cv.notify_all();
  }

private:
  // The next whole message from `from`, as its frames (copied out by the
  // caller, without the mesh's lock).
  Message next(uint32_t from) {
    if (from >= m_->nodes || from == m_->self)
      throw std::logic_error("Channel::recv: invalid source node " + std::to_string(from));
    std::unique_lock lk(m_->mu);
    auto deadline = Clock::now() + m_->recvTimeout;
    for (;;) {
      Link &l = st_->links[from];
      if (!l.q.empty()) return take(from);
      if (!l.error.empty()) throw NetError(l.error);
      if (!st_->failed.empty()) throw NetError(st_->failed);
      const PeerState &ps = m_->peers[from];
      if (!ps.dead.empty()) throw NetError(ps.dead);
      if (ps.closed && !ps.failed.empty())
        throw NetError(m_->name(from) + " failed the job: " + ps.failed);
      if (ps.closed)
        throw NetError(m_->name(from) + " ended the job before sending the message this node "
                                        "waits for");
      if (!m_->ioError.empty()) throw NetError(m_->ioError);
      if (m_->finished)
        throw NetError("the network of " + m_->name(m_->self) +
                       " was closed before the message from " + m_->name(from) + " arrived");
      if (m_->cv.wait_until(lk, deadline) == std::cv_status::timeout && l.q.empty() &&
          m_->peers[from].dead.empty() && st_->failed.empty())
        throw NetError("timed out after " + std::to_string(m_->recvTimeout.count()) +
                       " ms waiting for a message from " + m_->name(from) + " (timeouts.recv_ms)");
    }
  }

  std::optional<std::pair<uint32_t, Message>> nextAny(milliseconds timeout) {
    std::unique_lock lk(m_->mu);
    auto deadline = Clock::now() + timeout;
    for (;;) {
      // Round robin, so one chatty peer cannot starve the others.
      for (uint32_t i = 0; i < m_->nodes; ++i) {
        uint32_t p = (next_ + i) % m_->nodes;
        if (p != m_->self && !st_->links[p].q.empty()) {
          next_ = p + 1;
          return std::make_pair(p, take(p));
        }
      }
      if (!st_->failed.empty()) throw NetError(st_->failed);
      if (!m_->ioError.empty()) throw NetError(m_->ioError);
      if (m_->finished) throw NetError("the network of " + m_->name(m_->self) + " was closed");
      if (m_->cv.wait_until(lk, deadline) == std::cv_status::timeout) {
        bool any = false;
        for (uint32_t p = 0; p < m_->nodes; ++p)
          any = any || (p != m_->self && !st_->links[p].q.empty());
        if (!any) return std::nullopt;
      }
    }
  }

  Message take(uint32_t from) {
    Message out = m_->take(*st_, from);
    received_ += out.size;
    return out;
  }

  Mesh::Impl *m_;
  std::shared_ptr<ChanState> st_;
  bool unregister_;
  uint64_t sent_ = 0, received_ = 0;
  uint32_t next_ = 0;
};

} // namespace

std::unique_ptr<JobChannel> makeMeshChannel(Mesh::Impl *m, std::shared_ptr<ChanState> st,
                                            bool unregister) {
  return std::make_unique<MeshChannel>(m, std::move(st), unregister);
}

} // namespace smpc::net

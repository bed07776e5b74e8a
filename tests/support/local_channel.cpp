//===- local_channel.cpp - queues between in-process parties (test double) ===//
#include "tests/support/local_channel.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

namespace smpc::testing {

namespace {
struct Queue {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::vector<uint8_t>> msgs;
};
} // namespace

struct LocalNetwork::State {
  uint32_t n;
  std::chrono::milliseconds timeout;
  std::vector<Queue> queues; // index from * n + to
  State(uint32_t parties, std::chrono::milliseconds t)
      : n(parties), timeout(t), queues(size_t(parties) * parties) {}
  Queue &q(uint32_t from, uint32_t to) { return queues[size_t(from) * n + to]; }
};

namespace {
class LocalChannel final : public vm::Channel {
public:
  LocalChannel(std::shared_ptr<LocalNetwork::State> s, uint32_t self)
      : s_(std::move(s)), self_(self) {}
  uint32_t self() const override { return self_; }
  uint32_t parties() const override { return s_->n; }

  void send(uint32_t to, std::span<const uint8_t> msg) override {
    if (to >= s_->n || to == self_) std::terminate(); // contract violation
    Queue &q = s_->q(self_, to);
    {
      std::lock_guard lock(q.mu);
      q.msgs.emplace_back(msg.begin(), msg.end());
    }
    q.cv.notify_one();
    sent_ += msg.size();
  }

  std::vector<uint8_t> recv(uint32_t from) override {
    if (from >= s_->n || from == self_) std::terminate();
    Queue &q = s_->q(from, self_);
    std::unique_lock lock(q.mu);
    if (!q.cv.wait_for(lock, s_->timeout, [&] { return !q.msgs.empty(); }))
      throw vm::NetError("timed out waiting for a message from party " + std::to_string(from));
    std::vector<uint8_t> m = std::move(q.msgs.front());
    q.msgs.pop_front();
    received_ += m.size();
    return m;
  }

  uint64_t bytesSent() const override { return sent_; }
  uint64_t bytesReceived() const override { return received_; }

private:
  std::shared_ptr<LocalNetwork::State> s_;
  uint32_t self_;
  std::atomic<uint64_t> sent_{0}, received_{0};
};
} // namespace

LocalNetwork::LocalNetwork(uint32_t parties, std::chrono::milliseconds timeout)
    : state_(std::make_shared<State>(parties, timeout)) {
  for (uint32_t i = 0; i < parties; ++i)
    channels_.push_back(std::make_unique<LocalChannel>(state_, i));
}

LocalNetwork::~LocalNetwork() = default;

uint32_t LocalNetwork::parties() const {
  return state_->n;
}

vm::Channel &LocalNetwork::channel(uint32_t id) {
  return *channels_.at(id);
}

void runParallel(uint32_t n, const std::function<void(uint32_t)> &fn) {
  std::vector<std::exception_ptr> errs(n);
  std::vector<std::thread> ts;
  for (uint32_t i = 0; i < n; ++i)
    ts.emplace_back([&, i] {
      try {
        fn(i);
      } catch (...) {
        errs[i] = std::current_exception();
      }
    });
  for (auto &t : ts)
    t.join();
  for (auto &e : errs)
    if (e) std::rethrow_exception(e);
}

} // namespace smpc::testing

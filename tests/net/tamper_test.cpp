//===- tamper_test.cpp - a byte flipped on the wire never reaches the app --===//
//
// A TCP proxy between party 1 (client side) and party 0 flips one byte of
// the encrypted stream after the CURVE handshake. CURVE's MAC check makes
// party 0 drop the connection; the damaged message is never delivered and
// the next one arrives with a skipped sequence number, so receive fails
// with an error naming party 1 instead of returning altered bytes.
//===----------------------------------------------------------------------===//
#include "runtime/net/mesh.h"
#include "tests/net/net_test_util.h"

#include <arpa/inet.h>
#include <atomic>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace smpc::net;
using namespace smpc::net::test;

namespace {

int tcpConnect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(uint16_t(port));
  if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Relays 127.0.0.1:listenPort -> 127.0.0.1:targetPort, one connection at a
// time, flipping the byte at client->server offset `flipAt` of the first one.
class TamperProxy {
public:
  TamperProxy(int listenPort, int targetPort, size_t flipAt)
      : target_(targetPort), flipAt_(flipAt) {
    lfd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(lfd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(uint16_t(listenPort));
    REQUIRE(::bind(lfd_, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0);
    ::listen(lfd_, 4);
    th_ = std::thread([this] { loop(); });
  }
  ~TamperProxy() {
    stop_ = true;
    th_.join();
    ::close(lfd_);
  }
  bool flipped() const { return flipped_; }

private:
  void loop() {
    while (!stop_) {
      pollfd p{lfd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int c = ::accept(lfd_, nullptr, nullptr);
      int s = tcpConnect(target_);
      if (c >= 0 && s >= 0) relay(c, s);
      if (c >= 0) ::close(c);
      if (s >= 0) ::close(s);
    }
  }
  void relay(int c, int s) {
    size_t upstream = 0;
    char buf[65536];
    while (!stop_) {
      pollfd p[2] = {{c, POLLIN, 0}, {s, POLLIN, 0}};
      if (::poll(p, 2, 50) <= 0) continue;
      for (int i = 0; i < 2; ++i) {
        if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = ::read(p[i].fd, buf, sizeof buf);
        if (n <= 0) return;
        if (i == 0 && !flipped_ && upstream + size_t(n) > flipAt_) {
          buf[flipAt_ - upstream] ^= 0x01;
          flipped_ = true;
        }
        if (i == 0) upstream += size_t(n);
        if (::write(i == 0 ? s : c, buf, size_t(n)) != n) return;
      }
    }
  }
  int lfd_ = -1, target_;
  size_t flipAt_;
  std::atomic<bool> stop_{false}, flipped_{false};
  std::thread th_;
};

} // namespace

TEST_CASE("a message altered on the wire is dropped by CURVE and the gap is detected") {
  auto t = makeCluster(2);
  int realPort = freePort(), proxyPort = freePort();
  t.cfg.parties[0].bind = "tcp://127.0.0.1:" + std::to_string(realPort);
  t.cfg.parties[0].endpoint = "tcp://127.0.0.1:" + std::to_string(proxyPort);
  TamperProxy proxy(proxyPort, realPort, 20000); // well past the handshake
  Mesh m0(t.cfg, 0, t.keys[0]), m1(t.cfg, 1, t.keys[1]);
  m0.waitReady();
  m1.waitReady();
  auto c0 = m0.channel(kOnlineChannel), c1 = m1.channel(kOnlineChannel);
  std::vector<uint8_t> msg(64 << 10, 0x33);
  c1->send(0, msg);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  c1->send(0, bytes("second"));
  std::string err = "(no error)";
  try {
    auto got = c0->recv(1);
    err = got == msg ? "original message delivered" : "ALTERED MESSAGE DELIVERED";
  } catch (const smpc::vm::NetError &e) {
    err = e.what();
  }
  CHECK(proxy.flipped());
  INFO(err);
  CHECK(err.rfind("party 1 ", 0) == 0);
  CHECK(err != "ALTERED MESSAGE DELIVERED");
}

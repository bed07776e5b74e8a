//===- cmd_healthcheck.cpp - `smpc healthcheck URL` ------------------------===//
//
// An HTTP GET that exits 0 on a 2xx answer: the probe of a node's /healthz
// or /readyz from inside the image, which has no shell, curl or wget (the
// chart's `helm test` pod and exec probes use it).
//===----------------------------------------------------------------------===//
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <netdb.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace smpc::cli {

namespace {

struct Url {
  std::string host, port, path;
};

// Parses http://HOST[:PORT][/PATH]; HOST may be an IPv6 literal in brackets.
bool parseUrl(const std::string &s, Url &u) {
  const std::string scheme = "http://";
  if (s.compare(0, scheme.size(), scheme) != 0) return false;
  std::string rest = s.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  u.path = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t colon;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return false;
    u.host = authority.substr(1, close - 1);
    colon =
        authority.size() > close + 1 && authority[close + 1] == ':' ? close + 1 : std::string::npos;
    if (colon == std::string::npos && authority.size() != close + 1) return false;
  } else {
    colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
  }
  u.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  if (u.host.empty() || u.port.empty() || u.port.size() > 5) return false;
  for (char c : u.port)
    if (c < '0' || c > '9') return false;
  unsigned long port = std::stoul(u.port);
  if (port == 0 || port > 65535) return false;
  for (char c : u.path)
    if (c <= ' ' || c == 0x7f) return false; // no request smuggling via the path
  return true;
}

using Clock = std::chrono::steady_clock;

int msLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Connects to one resolved address before the deadline; -1 on failure
// (errno set; ETIMEDOUT when the deadline passed).
int connectBefore(const addrinfo *ai, Clock::time_point deadline) {
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return -1;
  if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) return fd;
  if (errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    int r = poll(&p, 1, msLeft(deadline));
    int err = 0;
    socklen_t len = sizeof err;
    if (r == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) return fd;
    errno = r == 0 ? ETIMEDOUT : (err ? err : EIO);
  }
  int saved = errno;
  close(fd);
  errno = saved;
  return -1;
}

} // namespace

int cmdHealthcheck(const std::vector<std::string> &args) {
  std::string url;
  uint64_t timeoutMs = 2000;
  OptionTable t = commandOptions("healthcheck", "URL [--timeout-ms N]");
  t.operand("URL", "a URL",
            "http://HOST:PORT/PATH, e.g. http://localhost:8080/readyz; exits 0 when the answer's\n"
            "status is 2xx, 1 otherwise",
            url);
  t.number("timeout-ms", "N", "give up after N ms (default 2000)", timeoutMs, 1, 600000);
  if (auto rc = t.parse(args)) return *rc;
  Url u;
  if (!parseUrl(url, u)) {
    printError("'" + url + "' is not an http://HOST:PORT/PATH URL");
    return kExitUsage;
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo *res = nullptr;
  if (int rc = getaddrinfo(u.host.c_str(), u.port.c_str(), &hints, &res); rc != 0) {
    printError("cannot resolve '" + u.host + "': " + gai_strerror(rc));
    return kExitFail;
  }
  int fd = -1;
  std::string why = "no address";
  for (const addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
    fd = connectBefore(ai, deadline);
    if (fd < 0) why = std::strerror(errno);
  }
  freeaddrinfo(res);
  if (fd < 0) {
    printError("cannot connect to " + u.host + ":" + u.port + ": " + why);
    return kExitFail;
  }

  const std::string req = "GET " + u.path + " HTTP/1.0\r\nHost: " + u.host +
                          "\r\nUser-Agent: smpc-healthcheck\r\nConnection: close\r\n\r\n";
  std::string answer;
  size_t sent = 0;
  bool timedOut = false;
  // Sends the request, then reads until the status line is complete (the
  // body is not needed), the peer closes, or the deadline passes.
  while (true) {
    bool sending = sent < req.size();
    pollfd p{fd, static_cast<short>(sending ? POLLOUT : POLLIN), 0};
    int r = poll(&p, 1, msLeft(deadline));
    if (r == 0) {
      timedOut = true;
      break;
    }
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (sending) {
      ssize_t n = send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
      continue;
    }
    char buf[1024];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
    if (answer.find("\r\n") != std::string::npos || answer.size() > 4096) break;
  }
  close(fd);
  const std::string where = "http://" + u.host + ":" + u.port + u.path;
  size_t eol = answer.find("\r\n");
  if (eol == std::string::npos) {
    printError(where + (timedOut ? std::string(" did not answer within ") +
                                       std::to_string(timeoutMs) + " ms"
                                 : " closed the connection without an HTTP status line"));
    return kExitFail;
  }
  std::string status = answer.substr(0, eol);
  // "HTTP/1.x NNN reason"
  if (status.size() < 12 || status.compare(0, 7, "HTTP/1.") != 0 || status[8] != ' ' ||
      status.find_first_not_of("0123456789", 9) != 12) {
    printError(where + " did not answer with HTTP");
    return kExitFail;
  }
  int code = std::stoi(status.substr(9, 3));
  std::string reason = status.size() > 13 ? status.substr(13) : "";
  for (char &c : reason)
    if (static_cast<unsigned char>(c) < ' ' || c == 0x7f) c = '?';
  if (code < 200 || code > 299) {
    printError(where + std::string(" answered ") + std::to_string(code) +
               (reason.empty() ? "" : " " + reason));
    return kExitFail;
  }
  std::cout << where << ": " << code << (reason.empty() ? "" : " " + reason) << "\n";
  return kExitOk;
}

} // namespace smpc::cli

//===- nats_server.cpp - a real nats-server for a test --------------------===//
#include "nats_server.h"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace smpc::testing {

NatsServer::NatsServer(bool jetstream) {
  char tmpl[] = "/tmp/smpc-nats-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    // -p -1: a random free port, reported in the log this test reads.
    if (jetstream)
      execl(SMPC_NATS_SERVER, "nats-server", "-a", "127.0.0.1", "-p", "-1", "-js", "-sd",
            dir_.c_str(), static_cast<char *>(nullptr));
    else
      execl(SMPC_NATS_SERVER, "nats-server", "-a", "127.0.0.1", "-p", "-1",
            static_cast<char *>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::string log;
  const std::string marker = "Listening for client connections on ";
  char buf[512];
  bool ready = false;
  while (!ready) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    log.append(buf, static_cast<size_t>(n));
    size_t at = log.find(marker);
    if (at != std::string::npos && log.find("Server is ready") != std::string::npos) {
      size_t eol = log.find('\n', at);
      url_ = "nats://" + log.substr(at + marker.size(), eol - at - marker.size());
      ready = true;
    }
  }
  // Keep draining the log so the server never blocks on a full pipe.
  if (ready) {
    int fd = fds[0];
    std::thread([fd] {
      char b[512];
      while (read(fd, b, sizeof b) > 0) {
      }
      close(fd);
    }).detach();
  } else {
    close(fds[0]);
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    throw std::runtime_error("nats-server did not start: " + log);
  }
}

NatsServer::~NatsServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int st = 0;
    waitpid(pid_, &st, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

} // namespace smpc::testing

//===- process.cpp - fork/exec of this executable for cluster nodes -------===//
#include "runtime/cluster/process.h"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace smpc::cluster {

namespace {
// A party's share buffers are megabytes each; with 4 KiB pages the first
// touch of a buffer costs one page fault per page, which took a quarter of
// the CPU of a max of 10^6 (docs/benchmarks.md). glibc reads this at
// start-up and then backs its heap with transparent huge pages (where the
// kernel allows them, "madvise" mode included). A user's own GLIBC_TUNABLES
// wins.
constexpr const char *kHeapTunables = "GLIBC_TUNABLES=glibc.malloc.hugetlb=1";
} // namespace

pid_t spawnSelf(const std::vector<std::string> &args, const std::string &stdoutPath,
                const std::vector<FdPass> &fds) {
  // argv and the environment are built before fork: the child only calls
  // async-signal-safe code.
  std::vector<std::string> all = {"smpc"};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char *> argv;
  for (auto &s : all)
    argv.push_back(s.data());
  argv.push_back(nullptr);
  std::string tunables = kHeapTunables;
  std::vector<char *> envp;
  for (char **e = environ; *e; ++e)
    envp.push_back(*e);
  if (!std::getenv("GLIBC_TUNABLES")) envp.push_back(tunables.data());
  envp.push_back(nullptr);
  // Above every number involved, so moving one descriptor to its child
  // number never overwrites another that is still to be moved.
  int spare = 3;
  for (const FdPass &f : fds)
    spare = std::max({spare, f.parent + 1, f.child + 1});
  std::vector<int> moved(fds.size());
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0)
    throw std::runtime_error(std::string("cannot start a party process: ") + std::strerror(errno));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127); // the parent died before prctl
    if (!stdoutPath.empty()) {
      int fd = ::open(stdoutPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (fd < 0 || ::dup2(fd, 1) < 0) ::_exit(127);
    }
    for (size_t i = 0; i < fds.size(); ++i)
      if ((moved[i] = ::fcntl(fds[i].parent, F_DUPFD_CLOEXEC, spare)) < 0) ::_exit(127);
    for (size_t i = 0; i < fds.size(); ++i) // dup2 clears close-on-exec on the copy
      if (::dup2(moved[i], fds[i].child) < 0) ::_exit(127);
    ::execve("/proc/self/exe", argv.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

std::string describeStatus(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           ::strsignal(WTERMSIG(status)) + ")";
  return "stopped";
}

} // namespace smpc::cluster

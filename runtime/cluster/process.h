//===- process.h - child processes of the local cluster -------------------===//
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace smpc::cluster {

/// A descriptor of the parent that the child inherits as number `child`.
struct FdPass {
  int parent;
  int child;
};

/// Starts /proc/self/exe with `args` (argv[1..]). The child dies with the
/// parent (PR_SET_PDEATHSIG); its stdout goes to `stdoutPath` when given
/// (stderr is shared). The descriptors of `fds` are inherited under their
/// `child` numbers; every other descriptor the parent opened close-on-exec
/// stays out. Throws std::runtime_error if fork fails.
pid_t spawnSelf(const std::vector<std::string> &args, const std::string &stdoutPath = "",
                const std::vector<FdPass> &fds = {});

/// "exited with status 3" / "was killed by signal 9 (Killed)".
std::string describeStatus(int status);

} // namespace smpc::cluster

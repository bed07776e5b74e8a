//===- process.h - child processes of the local cluster -------------------===//
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace smpc::cluster {

/// Starts /proc/self/exe with `args` (argv[1..]). The child dies with the
/// parent (PR_SET_PDEATHSIG); its stdout goes to `stdoutPath` when given
/// (stderr is shared). Throws std::runtime_error if fork fails.
pid_t spawnSelf(const std::vector<std::string> &args, const std::string &stdoutPath = "");

/// "exited with status 3" / "was killed by signal 9 (Killed)".
std::string describeStatus(int status);

} // namespace smpc::cluster

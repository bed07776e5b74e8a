//===- api.h - requests between clients and nodes: ops, roles, framing ----===//
//
// A client talks to each node over its own CurveZMQ link (the node pins the
// client's public key). A message is one or two ZeroMQ frames: a JSON header
// (at most kMaxHeaderBytes) and, for uploads, programs and results, a binary
// payload. Requests carry {"op", "id", ...}; replies {"id", "ok": true, ...}
// or {"id", "ok": false, "code", "error"}. Shares travel as little-endian
// u64 words. docs/node.md lists every op and field.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smpc::api {

inline constexpr uint32_t kOwner = 1, kAnalyst = 2, kAdmin = 4;
/// The party's own workers (`smpc worker`, authenticated with the node's
/// key). Never a role of a configured client.
inline constexpr uint32_t kWorker = 8;
inline constexpr uint32_t kAnyRole = 0;

enum class Op : uint8_t {
#define SMPC_API_OP(E, name, roles, summary) E,
#include "runtime/api/ops.def"
#undef SMPC_API_OP
};

struct OpInfo {
  Op op;
  const char *name;
  uint32_t roles;
  const char *summary;
};
inline constexpr OpInfo kOps[] = {
#define SMPC_API_OP(E, name, roles, summary) {Op::E, name, roles, summary},
#include "runtime/api/ops.def"
#undef SMPC_API_OP
};

std::optional<Op> opByName(std::string_view name);
const OpInfo &opInfo(Op op);

/// Role names as written in configurations: "owner", "analyst", "admin".
std::optional<uint32_t> roleByName(std::string_view name);
/// "owner or admin", "analyst", ...
std::string rolesText(uint32_t roles);

/// Error codes of refused requests (the "code" field).
namespace code {
inline constexpr const char *kBadRequest = "bad_request"; // malformed or invalid
inline constexpr const char *kForbidden = "forbidden";    // the key's role does not allow it
inline constexpr const char *kNotFound = "not_found";
inline constexpr const char *kRefused = "refused"; // policy (approval) refused a job
inline constexpr const char *kBusy = "busy";       // the job queue is full
inline constexpr const char *kFailed = "failed";   // the node could not do it
} // namespace code

inline constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
/// Upload chunks and result payloads stay below this (bounded buffers).
inline constexpr std::size_t kMaxPayloadBytes = std::size_t(64) << 20;
/// Values per upload chunk the client sends (256 KiB of shares).
inline constexpr std::size_t kChunkValues = 32 * 1024;

/// One request or reply.
struct Message {
  nlohmann::json header = nlohmann::json::object();
  std::vector<uint8_t> payload; // may hold shares: the holder wipes it
};

/// Parses a header frame; throws std::runtime_error with a short reason.
nlohmann::json parseHeader(std::string_view bytes);

/// Hex of 32 bytes of BLAKE2b-256 (program hashes).
std::string programHash(const std::vector<uint8_t> &bytecode);

} // namespace smpc::api

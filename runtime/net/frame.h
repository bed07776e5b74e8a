//===- frame.h - the header every mesh frame carries ----------------------===//
//
//   0       4    5     6       8                24          32          40
//   +-------+----+-----+-------+----------------+-----------+-----------+---
//   | magic |ver |type |chan   | job id hash    | sequence  | length    | payload
//   | "SMPF"| 1  |     |u16 LE | BLAKE2b-128    | u64 LE    | u64 LE    | length bytes
//   +-------+----+-----+-------+----------------+-----------+-----------+---
//
// Data frames carry a per-link, per-channel sequence number; a logical
// message larger than kChunkBytes travels as several Data frames, the last
// one flagged DataEnd. Heartbeat and Bye frames have sequence 0; a Heartbeat
// carries the sender mesh's random incarnation (kIncarnationBytes). A Bye
// carries nothing when the sender ended normally, else the one-line reason
// it failed (at most kMaxByeReasonBytes of printable ASCII), so its peers
// report the root cause of a failure rather than the failing node's exit.
// A ByeAck (empty, sequence 0) answers a Bye: its sender has received every
// frame the Bye's sender sent before the Bye, which may now exit.
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smpc::net {

inline constexpr uint32_t kFrameMagic = 0x46504d53; // "SMPF" little endian
inline constexpr uint8_t kFrameVersion = 1;
inline constexpr std::size_t kHeaderBytes = 40;
inline constexpr std::size_t kChunkBytes = std::size_t(1) << 20;
inline constexpr uint16_t kMaxChannels = 8;
inline constexpr std::size_t kIncarnationBytes = 16;
inline constexpr std::size_t kMaxByeReasonBytes = 256;

enum class FrameType : uint8_t { Data = 1, DataEnd = 2, Heartbeat = 3, Bye = 4, ByeAck = 5 };

using JobHash = std::array<uint8_t, 16>;
JobHash hashJobId(const std::string &jobId);

struct FrameHeader {
  FrameType type = FrameType::Data;
  uint16_t channel = 0;
  JobHash job{};
  uint64_t seq = 0;
  uint64_t length = 0;
};

/// Writes the header into out[0..kHeaderBytes).
void encodeHeader(const FrameHeader &h, uint8_t *out);
/// Builds a whole frame: header followed by `payload`.
std::vector<uint8_t> encodeFrame(const FrameHeader &h, std::span<const uint8_t> payload);

/// Parses the header of `frame`; on failure returns nullopt and sets `why`
/// (which never contains payload bytes).
std::optional<FrameHeader> decodeHeader(std::span<const uint8_t> frame, std::string &why);

/// A failure reason fit for a Bye frame and for the receiver's error text:
/// line breaks and other bytes outside printable ASCII become '?', and text
/// beyond kMaxByeReasonBytes is cut, ending in "...". Both ends apply it:
/// the sender to fit the frame, the receiver because the bytes come from
/// the network (a peer is authenticated, not trusted).
std::string byeReason(std::string_view text);

/// The same rule with another limit (>= 4): for text a peer or a client
/// sent that may be longer than a Bye reason (a node's refusal as the
/// client shows it).
std::string printableText(std::string_view text, std::size_t maxBytes);

} // namespace smpc::net

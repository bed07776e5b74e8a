//===- wire.h - messages between the dealer and the parties ---------------===//
//
// All integers little-endian. Every decoder checks type, exact length and
// parameters, and throws DealerError with one sentence on anything malformed.
//
//   Seed    dealer -> party i   u8 1 | u8 version | u32 party | u32 parties | 32-byte seed
//   Request party 0 -> dealer   u8 2 | u8 kind | u32 p1 | u32 p2 | u32 p3 | u64 count
//   Batch   dealer -> party 0   u8 3 | u8 kind | u32 p1 | u32 p2 | u32 p3 | u64 count
//                               | count * correctionWordsPerElem u64 corrections
//   Done    party 0 -> dealer   u8 4
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/preproc/dealer/material.h"
#include "vm/crypto/prg.h"

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

namespace smpc::dealer {

/// A dealer message failed validation, or the dealer protocol was violated.
class DealerError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

inline constexpr uint8_t kWireVersion = 1;
enum class MsgType : uint8_t { Seed = 1, Request = 2, Batch = 3, Done = 4 };

inline constexpr size_t kSeedMsgBytes = 1 + 1 + 4 + 4 + crypto::kSeedBytes;
inline constexpr size_t kKeyHeaderBytes = 1 + 1 + 12 + 8; // Request, and Batch header

struct SeedMsg {
  uint32_t party = 0, parties = 0;
  crypto::Seed seed{};
};

struct RequestMsg {
  StreamKey key;
  uint64_t count = 0;
};

std::vector<uint8_t> encodeSeed(const SeedMsg &m);
SeedMsg decodeSeed(std::span<const uint8_t> msg);

std::vector<uint8_t> encodeRequest(const RequestMsg &m);
std::vector<uint8_t> encodeDone();
/// Decodes a Request or Done (returns false for Done).
bool decodeRequest(std::span<const uint8_t> msg, RequestMsg &out);

std::vector<uint8_t> encodeBatch(const RequestMsg &header, std::span<const uint64_t> corrections);
/// The same into `out`, reusing its storage (no allocation once it is
/// large enough).
void encodeBatch(const RequestMsg &header, std::span<const uint64_t> corrections,
                 std::vector<uint8_t> &out);
/// Decodes a Batch answering `expected` and appends its corrections to `out`.
void decodeBatch(std::span<const uint8_t> msg, const RequestMsg &expected,
                 std::vector<uint64_t> &out);

} // namespace smpc::dealer

//===- wire.cpp - encode and validate dealer messages ---------------------===//
#include "runtime/preproc/dealer/wire.h"

#include <cstring>
#include <string>

namespace smpc::dealer {

namespace {
void putU32(std::vector<uint8_t> &b, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void putU64(std::vector<uint8_t> &b, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
uint32_t getU32(const uint8_t *p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= uint32_t(p[i]) << (8 * i);
  return v;
}
uint64_t getU64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= uint64_t(p[i]) << (8 * i);
  return v;
}

void putKey(std::vector<uint8_t> &b, MsgType t, const RequestMsg &m) {
  b.push_back(static_cast<uint8_t>(t));
  b.push_back(static_cast<uint8_t>(m.key.kind));
  putU32(b, m.key.p1);
  putU32(b, m.key.p2);
  putU32(b, m.key.p3);
  putU64(b, m.count);
}

// Parses and validates the shared Request/Batch header.
RequestMsg getKey(std::span<const uint8_t> msg, const char *what) {
  if (msg.size() < kKeyHeaderBytes)
    throw DealerError(std::string("dealer ") + what + " message is too short (" +
                      std::to_string(msg.size()) + " bytes)");
  RequestMsg m;
  m.key.kind = static_cast<Kind>(msg[1]);
  m.key.p1 = getU32(&msg[2]);
  m.key.p2 = getU32(&msg[6]);
  m.key.p3 = getU32(&msg[10]);
  m.count = getU64(&msg[14]);
  if (std::string e = validateKey(m.key); !e.empty())
    throw DealerError(std::string("invalid dealer ") + what + ": " + e);
  if (m.count == 0) throw DealerError(std::string("invalid dealer ") + what + ": count is zero");
  const uint64_t per = correctionWordsPerElem(m.key);
  if (m.count > maxBatchWords(m.key) / per)
    throw DealerError(std::string("invalid dealer ") + what + ": count exceeds the batch limit");
  return m;
}
} // namespace

std::vector<uint8_t> encodeSeed(const SeedMsg &m) {
  std::vector<uint8_t> b;
  b.reserve(kSeedMsgBytes);
  b.push_back(static_cast<uint8_t>(MsgType::Seed));
  b.push_back(kWireVersion);
  putU32(b, m.party);
  putU32(b, m.parties);
  b.insert(b.end(), m.seed.begin(), m.seed.end());
  return b;
}

SeedMsg decodeSeed(std::span<const uint8_t> msg) {
  if (msg.empty() || msg[0] != static_cast<uint8_t>(MsgType::Seed))
    throw DealerError("expected a seed message from the dealer");
  if (msg.size() != kSeedMsgBytes)
    throw DealerError("dealer seed message has the wrong length (" + std::to_string(msg.size()) +
                      " bytes, expected " + std::to_string(kSeedMsgBytes) + ")");
  if (msg[1] != kWireVersion)
    throw DealerError("dealer speaks wire version " + std::to_string(msg[1]) + ", expected " +
                      std::to_string(kWireVersion));
  SeedMsg m;
  m.party = getU32(&msg[2]);
  m.parties = getU32(&msg[6]);
  std::memcpy(m.seed.data(), &msg[10], m.seed.size());
  return m;
}

std::vector<uint8_t> encodeRequest(const RequestMsg &m) {
  std::vector<uint8_t> b;
  putKey(b, MsgType::Request, m);
  return b;
}

std::vector<uint8_t> encodeDone() {
  return {static_cast<uint8_t>(MsgType::Done)};
}

bool decodeRequest(std::span<const uint8_t> msg, RequestMsg &out) {
  if (msg.empty()) throw DealerError("empty message sent to the dealer");
  if (msg[0] == static_cast<uint8_t>(MsgType::Done)) {
    if (msg.size() != 1) throw DealerError("dealer done message has the wrong length");
    return false;
  }
  if (msg[0] != static_cast<uint8_t>(MsgType::Request))
    throw DealerError("unexpected message type " + std::to_string(msg[0]) + " sent to the dealer");
  out = getKey(msg, "request");
  if (msg.size() != kKeyHeaderBytes)
    throw DealerError("dealer request message has the wrong length");
  return true;
}

std::vector<uint8_t> encodeBatch(const RequestMsg &h, std::span<const uint64_t> corr) {
  std::vector<uint8_t> b;
  encodeBatch(h, corr, b);
  return b;
}

void encodeBatch(const RequestMsg &h, std::span<const uint64_t> corr, std::vector<uint8_t> &out) {
  out.clear();
  out.reserve(kKeyHeaderBytes + corr.size_bytes());
  putKey(out, MsgType::Batch, h);
  // Little-endian host (x86-64, aarch64): words go out as they are in
  // memory. Appended, not resized and overwritten: no zero-fill first.
  const auto *bytes = reinterpret_cast<const uint8_t *>(corr.data());
  out.insert(out.end(), bytes, bytes + corr.size_bytes());
}

void decodeBatch(std::span<const uint8_t> msg, const RequestMsg &expected,
                 std::vector<uint64_t> &out) {
  if (msg.empty() || msg[0] != static_cast<uint8_t>(MsgType::Batch))
    throw DealerError("expected a batch message from the dealer");
  RequestMsg h = getKey(msg, "batch");
  if (h.key != expected.key || h.count != expected.count)
    throw DealerError("dealer batch does not answer the pending request");
  const uint64_t words = h.count * correctionWordsPerElem(h.key);
  if (msg.size() != kKeyHeaderBytes + words * 8)
    throw DealerError("dealer batch message has the wrong length (" + std::to_string(msg.size()) +
                      " bytes, expected " + std::to_string(kKeyHeaderBytes + words * 8) + ")");
  const size_t at = out.size();
  out.resize(at + words);
  std::memcpy(out.data() + at, msg.data() + kKeyHeaderBytes, words * 8);
}

} // namespace smpc::dealer

//===- frame.cpp - encoding and checking mesh frame headers ---------------===//
#include "runtime/net/frame.h"

#include <cstring>
#include <sodium.h>

namespace smpc::net {

namespace {
void put(uint8_t *p, uint64_t v, int n) {
  for (int i = 0; i < n; ++i)
    p[i] = uint8_t(v >> (8 * i));
}
uint64_t get(const uint8_t *p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i)
    v |= uint64_t(p[i]) << (8 * i);
  return v;
}
} // namespace

JobHash hashJobId(const std::string &jobId) {
  JobHash h;
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const uint8_t *>(jobId.data()),
                     jobId.size(), nullptr, 0);
  return h;
}

void encodeHeader(const FrameHeader &h, uint8_t *out) {
  put(out, kFrameMagic, 4);
  out[4] = kFrameVersion;
  out[5] = uint8_t(h.type);
  put(out + 6, h.channel, 2);
  std::memcpy(out + 8, h.job.data(), h.job.size());
  put(out + 24, h.seq, 8);
  put(out + 32, h.length, 8);
}

std::vector<uint8_t> encodeFrame(const FrameHeader &h, std::span<const uint8_t> payload) {
  std::vector<uint8_t> f(kHeaderBytes + payload.size());
  FrameHeader hh = h;
  hh.length = payload.size();
  encodeHeader(hh, f.data());
  if (!payload.empty()) std::memcpy(f.data() + kHeaderBytes, payload.data(), payload.size());
  return f;
}

std::optional<FrameHeader> decodeHeader(std::span<const uint8_t> f, std::string &why) {
  if (f.size() < kHeaderBytes) {
    why = "malformed frame: " + std::to_string(f.size()) + " bytes is shorter than the header";
    return std::nullopt;
  }
  if (get(f.data(), 4) != kFrameMagic) {
    why = "malformed frame: bad magic";
    return std::nullopt;
  }
  if (f[4] != kFrameVersion) {
    why = "frame version " + std::to_string(f[4]) + " is not supported (expected " +
          std::to_string(kFrameVersion) + ")";
    return std::nullopt;
  }
  FrameHeader h;
  uint8_t t = f[5];
  if (t < uint8_t(FrameType::Data) || t > uint8_t(FrameType::ByeAck)) {
    why = "malformed frame: unknown frame type " + std::to_string(t);
    return std::nullopt;
  }
  h.type = FrameType(t);
  h.channel = uint16_t(get(f.data() + 6, 2));
  if (h.channel >= kMaxChannels) {
    why = "malformed frame: channel " + std::to_string(h.channel) + " out of range";
    return std::nullopt;
  }
  std::memcpy(h.job.data(), f.data() + 8, h.job.size());
  h.seq = get(f.data() + 24, 8);
  h.length = get(f.data() + 32, 8);
  if (h.length != f.size() - kHeaderBytes) {
    why = "malformed frame: header says " + std::to_string(h.length) +
          " payload bytes, frame has " + std::to_string(f.size() - kHeaderBytes);
    return std::nullopt;
  }
  if (h.type == FrameType::Bye && h.length > kMaxByeReasonBytes) {
    why = "malformed frame: Bye with a " + std::to_string(h.length) + "-byte reason (at most " +
          std::to_string(kMaxByeReasonBytes) + ")";
    return std::nullopt;
  }
  if ((h.type == FrameType::Heartbeat && h.length != 0 && h.length != kIncarnationBytes) ||
      (h.type == FrameType::ByeAck && h.length != 0)) {
    why = "malformed frame: control frame with a payload";
    return std::nullopt;
  }
  return h;
}

std::string printableText(std::string_view text, std::size_t maxBytes) {
  constexpr std::string_view kCut = "...";
  std::string out;
  for (char c : text.substr(0, maxBytes + 1))
    out += c >= 0x20 && c <= 0x7e ? c : '?';
  if (out.size() > maxBytes) {
    out.resize(maxBytes - kCut.size());
    out += kCut;
  }
  return out;
}

std::string byeReason(std::string_view text) {
  return printableText(text, kMaxByeReasonBytes);
}

} // namespace smpc::net

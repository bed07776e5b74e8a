//===- raw_inputs.h - inputs `smpc run` read once, handed to its parties --===//
//
// `smpc run` reads and checks every input file itself (a wrong file is
// refused by the launcher, with its name, before any party sees a value)
// while the party processes start and connect. Each party then gets its
// own inputs in this form through an in-memory file, already encoded,
// instead of reading and parsing the files a second time. Layout, little-endian: per input, u32
// name length, the name, u64 value count, the values.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/data/inputs.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace smpc::cluster {

/// What precedes the `count` values of input `name` (then written as they
/// are in memory, straight from the launcher's vector: no copy).
inline std::string rawInputHeader(const std::string &name, uint64_t count) {
  const uint32_t len = uint32_t(name.size());
  std::string out;
  out.append(reinterpret_cast<const char *>(&len), sizeof len);
  out.append(name);
  out.append(reinterpret_cast<const char *>(&count), sizeof count);
  return out;
}

/// Parses rawInputHeader and the values after it, per input;; throws std::runtime_error on bytes of
/// another form (the file comes from the launcher, still checked).
inline data::InputValues parseRawInputs(std::string_view bytes) {
  data::InputValues out;
  auto bad = [] { return std::runtime_error("the launcher's input file is malformed"); };
  std::size_t at = 0;
  auto take = [&](void *dst, std::size_t n) {
    if (bytes.size() - at < n) throw bad();
    std::memcpy(dst, bytes.data() + at, n);
    at += n;
  };
  while (at < bytes.size()) {
    uint32_t len = 0;
    take(&len, sizeof len);
    if (len == 0 || len > 4096 || bytes.size() - at < len) throw bad();
    std::string name(bytes.substr(at, len));
    at += len;
    uint64_t count = 0;
    take(&count, sizeof count);
    if (count > (bytes.size() - at) / sizeof(uint64_t)) throw bad();
    auto &v = out[name];
    v.resize(count);
    take(v.data(), count * sizeof(uint64_t));
  }
  return out;
}

} // namespace smpc::cluster

//===- api.cpp - op and role tables, header parsing, program hashes -------===//
#include "runtime/api/api.h"

#include <sodium.h>
#include <stdexcept>

namespace smpc::api {

std::optional<Op> opByName(std::string_view name) {
  for (const OpInfo &o : kOps)
    if (name == o.name) return o.op;
  return std::nullopt;
}

const OpInfo &opInfo(Op op) {
  return kOps[static_cast<std::size_t>(op)];
}

std::optional<uint32_t> roleByName(std::string_view name) {
  if (name == "owner") return kOwner;
  if (name == "analyst") return kAnalyst;
  if (name == "admin") return kAdmin;
  return std::nullopt;
}

std::string rolesText(uint32_t roles) {
  std::string out;
  for (auto [bit, name] :
       {std::pair{kOwner, "owner"}, {kAnalyst, "analyst"}, {kAdmin, "admin"}, {kWorker, "worker"}})
    if (roles & bit) out += (out.empty() ? "" : " or ") + std::string(name);
  return out.empty() ? "any" : out;
}

nlohmann::json parseHeader(std::string_view bytes) {
  if (bytes.size() > kMaxHeaderBytes) throw std::runtime_error("the header is larger than 64 KiB");
  auto j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded()) throw std::runtime_error("the header is not valid JSON");
  if (!j.is_object()) throw std::runtime_error("the header is not a JSON object");
  return j;
}

std::string programHash(const std::vector<uint8_t> &bytecode) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, bytecode.data(), bytecode.size(), nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

} // namespace smpc::api

//===- protocols.cpp - the table of job protocols --------------------------===//
#include "runtime/node/protocols.h"

#include "vm/protocols/semi2k/semi2k.h"

namespace smpc::node {

namespace {

std::unique_ptr<vm::Protocol> makeSemi2k(vm::Channel &online, vm::Preprocessing &pre) {
  return std::make_unique<semi2k::Semi2k>(online, pre);
}

const ProtocolEntry kProtocols[] = {
    {"semi2k", makeSemi2k, true},
};

} // namespace

const ProtocolEntry *findProtocol(const std::string &name) {
  for (const auto &p : kProtocols)
    if (name == p.name) return &p;
  return nullptr;
}

std::string protocolNames() {
  std::string out;
  for (const auto &p : kProtocols)
    out += (out.empty() ? "" : ", ") + std::string(p.name);
  return out;
}

} // namespace smpc::node

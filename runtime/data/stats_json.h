//===- stats_json.h - a protocol's counters as JSON and back --------------===//
//
// The `stats` object of a party's raw result (`smpc party --raw-out`, read
// back by `smpc run`) and of a node's job statistics. Material counts are an
// object keyed by the names of vm/bytecode/material.def.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/core/protocol.h"

#include <nlohmann/json.hpp>

namespace smpc::data {

/// {"triples": 2, "matrix": 0, ...}: every kind of material.def.
nlohmann::json materialJson(const bc::MaterialCounts &m);

/// rounds, bytes_sent, bytes_received and material.
nlohmann::json statsJson(const vm::ProtocolStats &s);

/// The inverse of statsJson; missing or malformed fields read as 0.
vm::ProtocolStats statsFromJson(const nlohmann::json &j);

} // namespace smpc::data

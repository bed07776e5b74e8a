//===- request_fields.h - reading a client request's fields (runtime/node) -===//
//
// What the client handlers (handlers.cpp) and the worker handlers
// (workers.cpp) share: a successful reply, and the checked fields every
// request names. A bad field throws std::invalid_argument, which the
// client server sends back as the refusal.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/api/api.h"

#include <nlohmann/json.hpp>
#include <string>

namespace smpc::node {

/// A reply with `ok: true` and the given fields.
api::Message reply(nlohmann::json fields = nlohmann::json::object());

/// Field `name` of the request header, which must be a string.
std::string stringField(const nlohmann::json &h, const char *name);

/// Field `job`, which must be a valid job id (job_spec.h).
std::string jobId(const nlohmann::json &h);

} // namespace smpc::node

//===- request_fields.cpp - reading a client request's fields -------------===//
#include "runtime/node/request_fields.h"

#include "runtime/node/job_spec.h"

#include <stdexcept>

namespace smpc::node {

using nlohmann::json;

api::Message reply(json fields) {
  api::Message m;
  m.header = std::move(fields);
  m.header["ok"] = true;
  return m;
}

std::string stringField(const json &h, const char *name) {
  auto it = h.find(name);
  if (it == h.end() || !it->is_string())
    throw std::invalid_argument(std::string("field '") + name + "' must be a string");
  return it->get<std::string>();
}

std::string jobId(const json &h) {
  std::string id = stringField(h, "job");
  if (!validJobId(id))
    throw std::invalid_argument("'job' must be 8 to 64 characters of 0-9, a-z and '-'");
  return id;
}

} // namespace smpc::node

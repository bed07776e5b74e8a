//===- handlers.cpp - what the node does for each client request ----------===//
//
// The role check comes from runtime/api/ops.def; each handler adds the finer
// checks (the dataset's owner, the job's submitter, an output's recipient).
// Refusals are counted by code for /metrics and logged with the client's
// name, never with data.
//===----------------------------------------------------------------------===//
#include "runtime/net/frame.h"
#include "runtime/node/node_impl.h"
#include "runtime/node/policy.h"
#include "runtime/node/protocols.h"
#include "runtime/node/request_fields.h"
#include "vm/bytecode/serialize.h"

#include <cstring>
#include <sodium.h>

namespace smpc::node {

using nlohmann::json;

namespace {

bool validUploadId(const std::string &id) {
  if (id.size() != 32) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// Ids a client sends are checked before they reach an error text, a log
// line or the store: the node echoes them back and records them.
std::string uploadId(const json &h) {
  std::string id = stringField(h, "upload");
  if (!validUploadId(id)) throw std::invalid_argument("'upload' must be 32 hex digits");
  return id;
}

const char *kDatasetNameRule =
    "dataset names are 1 to 128 characters of A-Z, a-z, 0-9, '_', '.' and '-'";

store::Shape shapeFromJson(const json &j) {
  if (!j.is_object()) throw std::invalid_argument("field 'shape' must be an object");
  store::Shape s;
  const std::string elem = j.value("elem", "");
  if (elem == "sint")
    s.elem = bc::ElemType::Int;
  else if (elem == "sfix")
    s.elem = bc::ElemType::Fix;
  else if (elem == "sbool")
    s.elem = bc::ElemType::Bool;
  else
    throw std::invalid_argument("shape.elem must be sint, sfix or sbool");
  auto num = [&](const char *f, uint64_t lo, uint64_t hi) {
    if (!j.contains(f) || !j[f].is_number_unsigned() || j[f].get<uint64_t>() < lo ||
        j[f].get<uint64_t>() > hi)
      throw std::invalid_argument(std::string("shape.") + f + " must be an integer in [" +
                                  std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return j[f].get<uint64_t>();
  };
  s.ndims = uint8_t(num("ndims", 0, 2));
  s.rows = uint32_t(num("rows", 1, UINT32_MAX));
  s.cols = uint32_t(num("cols", 1, UINT32_MAX));
  s.fracBits = uint8_t(num("frac_bits", 0, 62));
  if (s.ndims == 0 && (s.rows != 1 || s.cols != 1))
    throw std::invalid_argument("a scalar has rows = cols = 1");
  if (s.ndims == 1 && s.cols != 1) throw std::invalid_argument("a vector has cols = 1");
  if (s.size() > (uint64_t(1) << 32)) throw std::invalid_argument("the dataset is too large");
  if (s.elem != bc::ElemType::Fix) s.fracBits = 0;
  return s;
}

json shapeJson(const store::Shape &s) {
  const char *elem = s.elem == bc::ElemType::Fix    ? "sfix"
                     : s.elem == bc::ElemType::Bool ? "sbool"
                                                    : "sint";
  return {{"elem", elem},   {"ndims", s.ndims},        {"rows", s.rows},
          {"cols", s.cols}, {"frac_bits", s.fracBits}, {"text", store::shapeText(s)}};
}

bc::Program parseProgram(const std::vector<uint8_t> &bytes) {
  bc::Program prog;
  std::string err;
  if (bytes.empty()) throw std::invalid_argument("the request carries no program");
  if (!bc::readProgram(bytes, prog, err))
    throw std::invalid_argument("the program is not valid smpc bytecode: " + err);
  return prog;
}

} // namespace

api::Message Node::Impl::refuse(const char *code, const std::string &error) {
  {
    std::lock_guard lk(cmu);
    ++counters.refusals[code];
  }
  api::Message m;
  m.header = {{"ok", false}, {"code", code}, {"error", error}};
  return m;
}

api::Message Node::Impl::handle(const Caller &c, api::Message &req) {
  std::string opName = req.header.value("op", "");
  auto op = api::opByName(opName);
  if (!op)
    return refuse(api::code::kBadRequest, "unknown request '" + net::byeReason(opName) + "'");
  const api::OpInfo &info = api::opInfo(*op);
  if (info.roles != api::kAnyRole && !(c.client->roles & info.roles)) {
    log.warn("request refused: role", {{"client", c.client->name}, {"op", opName}});
    return refuse(api::code::kForbidden, "client '" + c.client->name + "' may not use '" +
                                             info.name + "' on " + me() + ": that needs the " +
                                             api::rolesText(info.roles) + " role");
  }
  try {
    switch (*op) {
    case api::Op::Hello:
      return onHello(c, req);
    case api::Op::Datasets:
      return onDatasets(c, req);
    case api::Op::UploadBegin:
      return onUploadBegin(c, req);
    case api::Op::UploadChunk:
      return onUploadChunk(c, req);
    case api::Op::UploadEnd:
      return onUploadEnd(c, req);
    case api::Op::UploadCommit:
      return onUploadCommit(c, req);
    case api::Op::UploadAbort:
      return onUploadAbort(c, req);
    case api::Op::Drop:
      return onDrop(c, req);
    case api::Op::Approve:
      return onApprove(c, req);
    case api::Op::Approvals:
      return onApprovals(c, req);
    case api::Op::Revoke:
      return onRevoke(c, req);
    case api::Op::Submit:
      return onSubmit(c, req);
    case api::Op::Job:
      return onJob(c, req);
    case api::Op::Jobs:
      return onJobs(c, req);
    case api::Op::Result:
      return onResult(c, req);
    case api::Op::ResultAck:
      return onResultAck(c, req);
    case api::Op::Cancel:
      return onCancel(c, req);
    case api::Op::WorkerJob:
      return onWorkerJob(c, req);
    case api::Op::WorkerDone:
      return onWorkerDone(c, req);
    case api::Op::WorkerFailed:
      return onWorkerFailed(c, req);
    }
  } catch (const std::invalid_argument &e) {
    return refuse(api::code::kBadRequest, e.what());
  } catch (const store::StoreError &e) {
    return refuse(api::code::kFailed, e.what());
  }
  return refuse(api::code::kBadRequest, "unknown request '" + net::byeReason(opName) + "'");
}

api::Message Node::Impl::onHello(const Caller &c, api::Message &) {
  std::vector<std::string> roles;
  for (auto [bit, name] :
       {std::pair{api::kOwner, "owner"}, {api::kAnalyst, "analyst"}, {api::kAdmin, "admin"}})
    if (c.client->roles & bit) roles.push_back(name);
  std::vector<bool> up;
  for (const auto &p : mesh->peers())
    up.push_back(p.up);
  return reply({{"party", self()},
                {"parties", parties()},
                {"client", c.client->name},
                {"roles", roles},
                {"protocols", nodeProtocolNames()},
                {"peers_up", up},
                {"version", SMPC_NODE_VERSION}});
}

// ------------------------------------------------------------------ datasets

api::Message Node::Impl::onDatasets(const Caller &, api::Message &) {
  json list = json::array();
  for (const auto &d : st->datasets())
    list.push_back({{"name", d.name},
                    {"id", d.id},
                    {"owner", d.ownerName},
                    {"owner_key", d.owner},
                    {"shape", shapeJson(d.shape)},
                    {"state", store::datasetStateName(d.state)},
                    {"created_at", d.createdAt},
                    {"source_job", d.sourceJob}});
  return reply({{"datasets", list}});
}

api::Message Node::Impl::onUploadBegin(const Caller &c, api::Message &req) {
  store::Dataset d;
  d.id = uploadId(req.header);
  d.name = stringField(req.header, "name");
  if (!validDatasetName(d.name)) throw std::invalid_argument(kDatasetNameRule);
  d.shape = shapeFromJson(req.header.value("shape", json()));
  d.owner = c.keyZ85;
  d.ownerName = c.client->name;
  d.createdAt = std::time(nullptr);
  st->beginUpload(d);
  {
    std::lock_guard ck(cmu);
    ++counters.uploads;
  }
  std::lock_guard lk(mu);
  uploads[d.id] = {c.keyZ85, Clock::now()};
  log.info("upload started",
           {{"dataset", d.name}, {"client", c.client->name}, {"shape", store::shapeText(d.shape)}});
  return reply();
}

api::Message Node::Impl::onUploadChunk(const Caller &c, api::Message &req) {
  const std::string id = uploadId(req.header);
  if (!req.header.contains("index") || !req.header["index"].is_number_unsigned())
    throw std::invalid_argument("field 'index' must be a non-negative integer");
  {
    std::lock_guard lk(mu);
    auto it = uploads.find(id);
    if (it == uploads.end() || it->second.first != c.keyZ85)
      return refuse(api::code::kNotFound, "no upload " + id + " of this client in progress on " +
                                              me() + " (it was aborted after being idle?)");
    it->second.second = Clock::now();
  }
  {
    std::lock_guard ck(cmu);
    counters.uploadBytes += req.payload.size();
  }
  if (req.payload.size() % 8 || req.payload.size() > api::kChunkValues * 8)
    throw std::invalid_argument("a chunk holds up to " + std::to_string(api::kChunkValues) +
                                " little-endian 64-bit shares");
  std::vector<uint64_t> shares(req.payload.size() / 8);
  if (!shares.empty()) std::memcpy(shares.data(), req.payload.data(), req.payload.size());
  st->appendChunk(id, req.header["index"].get<uint64_t>(), shares);
  sodium_memzero(shares.data(), shares.size() * 8);
  return reply();
}

api::Message Node::Impl::onUploadEnd(const Caller &c, api::Message &req) {
  const std::string id = uploadId(req.header);
  {
    std::lock_guard lk(mu);
    auto it = uploads.find(id);
    if (it == uploads.end() || it->second.first != c.keyZ85)
      return refuse(api::code::kNotFound,
                    "no upload " + id + " of this client in progress on " + me());
    it->second.second = Clock::now();
  }
  st->finishUpload(id);
  return reply();
}

api::Message Node::Impl::onUploadCommit(const Caller &c, api::Message &req) {
  const std::string id = uploadId(req.header);
  {
    std::lock_guard lk(mu);
    auto it = uploads.find(id);
    if (it == uploads.end() || it->second.first != c.keyZ85)
      return refuse(api::code::kNotFound, "no staged upload " + id + " of this client on " + me());
    uploads.erase(it);
  }
  st->commitUpload(id);
  log.info("dataset ready", {{"upload", id}, {"client", c.client->name}});
  return reply();
}

api::Message Node::Impl::onUploadAbort(const Caller &c, api::Message &req) {
  const std::string id = uploadId(req.header);
  {
    std::lock_guard lk(mu);
    auto it = uploads.find(id);
    if (it == uploads.end() || it->second.first != c.keyZ85) return reply();
    uploads.erase(it);
  }
  st->abortUpload(id);
  return reply();
}

api::Message Node::Impl::onDrop(const Caller &c, api::Message &req) {
  const std::string name = stringField(req.header, "name");
  if (!validDatasetName(name)) throw std::invalid_argument(kDatasetNameRule);
  auto d = st->dataset(name);
  if (!d) return refuse(api::code::kNotFound, "dataset '" + name + "' does not exist on " + me());
  if (d->owner != c.keyZ85 && !(c.client->roles & api::kAdmin))
    return refuse(api::code::kForbidden, "dataset '" + name + "' belongs to " +
                                             clientLabel(cfg, d->owner) +
                                             "; only its owner or an admin may drop it");
  st->dropDataset(name);
  log.info("dataset dropped", {{"dataset", name}, {"client", c.client->name}});
  return reply();
}

// ----------------------------------------------------------------- approvals

api::Message Node::Impl::onApprove(const Caller &c, api::Message &req) {
  bc::Program prog = parseProgram(req.payload);
  const std::string hash = api::programHash(req.payload);
  json rules;
  try {
    rules = normaliseRules(req.header.value("rules", json::object()), prog, cfg);
  } catch (const std::runtime_error &e) {
    throw std::invalid_argument(e.what());
  }
  // The name is the client's label for the program (a file name): kept
  // printable and bounded, as it is stored, logged and listed.
  auto nameIt = req.header.find("name");
  store::Approval a{hash,
                    nameIt != req.header.end() && nameIt->is_string()
                        ? net::byeReason(nameIt->get_ref<const std::string &>())
                        : std::string("program"),
                    rules.dump(), c.keyZ85, int64_t(std::time(nullptr))};
  st->putProgram(hash, req.payload);
  st->putApproval(a);
  log.info("program approved",
           {{"program", hash.substr(0, 12)}, {"name", a.programName}, {"admin", c.client->name}});
  return reply({{"hash", hash}, {"rules", rules}});
}

api::Message Node::Impl::onApprovals(const Caller &, api::Message &) {
  json list = json::array();
  for (const auto &a : st->approvals())
    list.push_back({{"hash", a.programHash},
                    {"name", a.programName},
                    {"rules", json::parse(a.rules, nullptr, false)},
                    {"approved_by", clientLabel(cfg, a.approvedBy)},
                    {"created_at", a.createdAt}});
  return reply({{"approvals", list}});
}

api::Message Node::Impl::onRevoke(const Caller &c, api::Message &req) {
  const std::string hash = stringField(req.header, "hash");
  if (hash.size() != 64 || hash.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw std::invalid_argument("'hash' must be a program hash of 64 hex digits");
  if (!st->revokeApproval(hash))
    return refuse(api::code::kNotFound, "program " + hash + " is not approved on " + me());
  log.info("approval revoked", {{"program", hash.substr(0, 12)}, {"admin", c.client->name}});
  return reply();
}

// ---------------------------------------------------------------------- jobs

api::Message Node::Impl::onSubmit(const Caller &c, api::Message &req) {
  JobSpec spec;
  try {
    spec = jobSpecFromJson(req.header.value("spec", json()));
  } catch (const std::runtime_error &e) {
    throw std::invalid_argument(e.what());
  }
  bc::Program prog = parseProgram(req.payload);
  const std::string hash = api::programHash(req.payload);
  std::string busy;
  {
    std::lock_guard lk(mu);
    if (jobs.count(spec.id) || st->job(spec.id))
      throw std::invalid_argument("job id " + spec.id + " is already used on " + me());
    if (auto e = ended.find(spec.id); e != ended.end())
      return refuse(api::code::kRefused, e->second.second);
    std::size_t active = 0;
    for (auto &[id, j] : jobs)
      active += !store::isTerminal(j->state);
    if (active >= cfg.maxConcurrent + cfg.queueSize)
      busy = me() + " is busy: " + std::to_string(active) +
             " jobs are running or waiting (jobs.max_concurrent + jobs.queue = " +
             std::to_string(cfg.maxConcurrent + cfg.queueSize) + "); try again later";
  }
  if (!busy.empty()) {
    // The other nodes may have room: the leader ends the job everywhere.
    sendControl(0, {{"t", "verdict"}, {"job", spec.id}, {"ok", false}, {"reason", busy}});
    return refuse(api::code::kBusy, busy);
  }
  store::Job rec{spec.id, hash, c.keyZ85, jobSpecToJson(spec).dump(), JobState::Proposed, 0, 0,
                 0,       "",   ""};
  std::map<std::string, store::Dataset> bound;
  auto why = checkJob(cfg, *st, hash, prog, spec, bound);
  if (why) {
    rec.state = JobState::Refused;
    rec.error = *why;
    st->putJob(rec);
    log.warn("job refused", {{"job", spec.id}, {"client", c.client->name}, {"reason", *why}});
    sendControl(0, {{"t", "verdict"}, {"job", spec.id}, {"ok", false}, {"reason", *why}});
    return refuse(api::code::kRefused, me() + " refused the job: " + *why);
  }
  auto j = std::make_shared<LiveJob>();
  j->id = spec.id;
  j->spec = spec;
  j->programHash = hash;
  j->prog = std::move(prog);
  j->submitter = c.keyZ85;
  j->bound = bound;
  // Channels open before the verdict, so no peer can send before we listen.
  j->online = mesh->openJob(spec.id, net::kOnlineChannel);
  j->preproc = mesh->openJob(spec.id, net::kPreprocChannel);
  st->putProgram(hash, req.payload);
  st->putJob(rec);
  json ds = json::object();
  for (const auto &[input, d] : bound)
    ds[input] = d.id;
  {
    std::lock_guard lk(mu);
    // Ended everywhere while this node was still checking it (another
    // node refused first): record the end here too, keep nothing open.
    if (auto e = ended.find(spec.id); e != ended.end()) {
      j->online.reset();
      j->preproc.reset();
      jobs[spec.id] = j;
      setState(*j, e->second.first, e->second.second);
      return refuse(api::code::kRefused, e->second.second);
    }
    jobs[spec.id] = j;
  }
  log.info("job accepted", {{"job", spec.id},
                            {"client", c.client->name},
                            {"program", hash.substr(0, 12)},
                            {"protocol", spec.protocol}});
  sendControl(0, {{"t", "verdict"}, {"job", spec.id}, {"ok", true}, {"datasets", ds}});
  return reply({{"job", spec.id}, {"state", "proposed"}, {"program", hash}});
}

json Node::Impl::jobJson(const store::Job &j, const LiveJob *live) {
  json o = {{"job", j.id},
            {"state", store::jobStateName(live ? live->state : j.state)},
            {"program", j.programHash},
            {"submitter", clientLabel(cfg, j.submitter)},
            {"created_at", j.createdAt},
            {"started_at", j.startedAt},
            {"finished_at", j.finishedAt},
            {"party", self()}};
  std::string err = live && !live->error.empty() ? live->error : j.error;
  if (!err.empty()) o["error"] = err;
  if (live) {
    o["rounds_done"] = live->rounds.load();
    o["rounds_predicted"] = live->prog.needs.rounds;
  }
  if (!j.stats.empty()) {
    auto s = json::parse(j.stats, nullptr, false);
    auto spec = json::parse(j.spec, nullptr, false);
    if (!s.is_discarded() && spec.is_object() && spec.value("stats", false)) o["stats"] = s;
  }
  return o;
}

api::Message Node::Impl::onJob(const Caller &c, api::Message &req) {
  const std::string id = jobId(req.header);
  const std::string since = req.header.value("since", "");
  const int64_t waitMs = std::clamp<int64_t>(req.header.value("wait_ms", int64_t(0)), 0, 5000);
  auto deadline = Clock::now() + std::chrono::milliseconds(waitMs);
  std::shared_ptr<LiveJob> live;
  {
    std::unique_lock lk(mu);
    auto it = jobs.find(id);
    if (it != jobs.end()) live = it->second;
    if (live && !since.empty())
      changed.wait_until(lk, deadline,
                         [&] { return store::jobStateName(live->state) != since || stopping; });
  }
  auto rec = st->job(id);
  if (!rec) {
    std::lock_guard lk(mu);
    if (auto e = ended.find(id); e != ended.end())
      return reply({{"job", id},
                    {"state", store::jobStateName(e->second.first)},
                    {"error", e->second.second},
                    {"party", self()}});
    return refuse(api::code::kNotFound, "job " + id + " is unknown on " + me());
  }
  if (rec->submitter != c.keyZ85 && !(c.client->roles & api::kAdmin) &&
      st->outputs(id, c.keyZ85).empty())
    return refuse(api::code::kForbidden, "job " + id +
                                             " is not yours: only its submitter, its "
                                             "recipients and admins may see it");
  std::lock_guard lk(mu);
  return reply(jobJson(*rec, live.get()));
}

api::Message Node::Impl::onJobs(const Caller &c, api::Message &req) {
  const int64_t limit = std::clamp<int64_t>(req.header.value("limit", int64_t(50)), 1, 1000);
  json list = json::array();
  for (const auto &j : st->jobs(std::size_t(limit))) {
    if (j.submitter != c.keyZ85 && !(c.client->roles & api::kAdmin)) continue;
    std::lock_guard lk(mu);
    auto it = jobs.find(j.id);
    list.push_back(jobJson(j, it == jobs.end() ? nullptr : it->second.get()));
  }
  return reply({{"jobs", list}});
}

api::Message Node::Impl::onResult(const Caller &c, api::Message &req) {
  const std::string id = jobId(req.header);
  auto rec = st->job(id);
  if (!rec) return refuse(api::code::kNotFound, "job " + id + " is unknown on " + me());
  if (rec->state != JobState::Done)
    return refuse(
        api::code::kNotFound,
        "job " + id + " is " + store::jobStateName(rec->state) + " on " + me() +
            (store::isTerminal(rec->state) ? " and has no outputs" : "; wait for it to finish"));
  auto outs = st->outputs(id, c.keyZ85);
  if (outs.empty())
    return refuse(api::code::kNotFound,
                  "job " + id + " has no outputs for client '" + c.client->name + "' on " + me() +
                      " (not a recipient, or already fetched and acknowledged)");
  api::Message m = reply();
  json list = json::array();
  for (auto &o : outs) {
    list.push_back({{"name", o.name}, {"shape", shapeJson(o.shape)}, {"count", o.shares.size()}});
    const std::size_t at = m.payload.size();
    m.payload.resize(at + o.shares.size() * 8);
    if (!o.shares.empty()) std::memcpy(m.payload.data() + at, o.shares.data(), o.shares.size() * 8);
    sodium_memzero(o.shares.data(), o.shares.size() * 8);
  }
  m.header["job"] = id;
  m.header["party"] = self();
  m.header["outputs"] = list;
  return m;
}

api::Message Node::Impl::onResultAck(const Caller &c, api::Message &req) {
  const std::string id = jobId(req.header);
  st->deleteOutputs(id, c.keyZ85);
  log.info("outputs fetched and deleted", {{"job", id}, {"client", c.client->name}});
  return reply();
}

api::Message Node::Impl::onCancel(const Caller &c, api::Message &req) {
  const std::string id = jobId(req.header);
  auto rec = st->job(id);
  if (!rec) return refuse(api::code::kNotFound, "job " + id + " is unknown on " + me());
  if (rec->submitter != c.keyZ85 && !(c.client->roles & api::kAdmin))
    return refuse(api::code::kForbidden, "job " + id + " was submitted by " +
                                             clientLabel(cfg, rec->submitter) +
                                             "; only its submitter or an admin may cancel it");
  if (store::isTerminal(rec->state))
    return reply({{"job", id}, {"state", store::jobStateName(rec->state)}});
  abortEverywhere(id, JobState::Cancelled,
                  "cancelled by client '" + c.client->name + "' on " + me());
  return reply({{"job", id}, {"state", "cancelled"}});
}

} // namespace smpc::node

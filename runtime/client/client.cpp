//===- client.cpp - sharing, uploads, jobs and reconstruction -------------===//
#include "runtime/client/client.h"

#include "runtime/api/api.h"
#include "runtime/data/inputs.h"
#include "runtime/data/stream.h"
#include "vm/bytecode/serialize.h"
#include "vm/crypto/prg.h"

#include <chrono>
#include <cstring>
#include <sodium.h>
#include <thread>

namespace smpc::client {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

void wipe(std::vector<uint64_t> &v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size() * sizeof(uint64_t));
}

const char *elemName(bc::ElemType t) {
  return t == bc::ElemType::Fix ? "sfix" : t == bc::ElemType::Bool ? "sbool" : "sint";
}

/// Chunks a node may have in flight: bounds client and node memory.
constexpr std::size_t kWindow = 2;

} // namespace

std::string randomId(std::size_t bytes) {
  std::vector<unsigned char> b(bytes);
  randombytes_buf(b.data(), b.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), b.data(), b.size());
  hex.pop_back();
  return hex;
}

Client::Client(const ClusterFile &cluster, const std::string &keyPath,
               std::chrono::milliseconds timeout)
    : cluster_(cluster) {
  const std::string path = keyPath.empty() ? cluster.keyPath : keyPath;
  if (path.empty())
    throw ClientError("no client key: the cluster file " + cluster.source +
                      " names none; pass --key CLIENT.key");
  key_ = net::loadSecretKey(path);
  for (const auto &n : cluster.nodes)
    conns_.push_back(std::make_unique<Connection>(n, key_, timeout));
}

Client::~Client() = default;

std::string Client::publicKey() const {
  return net::z85Encode(key_.publicKey().data());
}

UploadResult Client::share(const std::string &file, const std::string &name,
                           const UploadOptions &o) {
  const auto t0 = Clock::now();
  // Everything is checked before a single byte leaves this process.
  const uint8_t frac = o.elem == bc::ElemType::Fix ? o.fracBits : 0;
  data::FileShape shape = data::scanDataFile(file, name, o.elem, frac, o.layout);
  UploadResult r;
  r.name = name;
  r.id = randomId(16);
  r.values = shape.count();
  const json shapeJson = {{"elem", elemName(o.elem)},
                          {"ndims", shape.ndims},
                          {"rows", shape.rows},
                          {"cols", shape.cols},
                          {"frac_bits", frac}};
  r.shape = std::string(elemName(o.elem)) +
            (shape.ndims == 1 ? "[" + std::to_string(shape.rows) + "]"
             : shape.ndims == 2
                 ? "[" + std::to_string(shape.rows) + "," + std::to_string(shape.cols) + "]"
                 : "");
  const uint32_t n = parties();
  try {
    for (auto &c : conns_)
      c->call("upload_begin", {{"upload", r.id}, {"name", name}, {"shape", shapeJson}});
    crypto::Prg prg(crypto::seed_keygen());
    std::vector<std::vector<uint64_t>> shares(n);
    std::vector<std::size_t> inFlight(n, 0);
    uint64_t index = 0, done = 0;
    auto drain = [&](uint32_t p, std::size_t keep) {
      while (inFlight[p] > keep) {
        Connection::check(conns_[p]->recv());
        --inFlight[p];
      }
    };
    data::streamDataFile(
        file, name, o.elem, frac, shape, api::kChunkValues, [&](std::span<const uint64_t> values) {
          // Shares 1..n-1 are uniformly random; share 0 makes them add up.
          for (uint32_t p = 1; p < n; ++p) {
            shares[p].resize(values.size());
            prg.fill(std::span<uint64_t>(shares[p]));
          }
          shares[0].assign(values.begin(), values.end());
          for (uint32_t p = 1; p < n; ++p)
            for (std::size_t i = 0; i < values.size(); ++i)
              shares[0][i] -= shares[p][i];
          for (uint32_t p = 0; p < n; ++p) {
            drain(p, kWindow - 1);
            api::Message m;
            m.header = {{"op", "upload_chunk"}, {"upload", r.id}, {"index", index}};
            m.payload.resize(shares[p].size() * 8);
            std::memcpy(m.payload.data(), shares[p].data(), m.payload.size());
            wipe(shares[p]);
            conns_[p]->send(m);
            sodium_memzero(m.payload.data(), m.payload.size());
            ++inFlight[p];
          }
          ++index;
          done += values.size();
          if (o.progress) o.progress(done, r.values);
        });
    for (uint32_t p = 0; p < n; ++p)
      drain(p, 0);
    // Two phases: every node holds all of its shares before any makes the
    // dataset usable.
    for (auto &c : conns_)
      c->call("upload_end", {{"upload", r.id}});
    for (auto &c : conns_)
      c->call("upload_commit", {{"upload", r.id}});
  } catch (...) {
    for (auto &c : conns_) {
      try {
        c->call("upload_abort", {{"upload", r.id}});
      } catch (const std::exception &) {
      }
    }
    throw;
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return r;
}

json Client::datasets(uint32_t party) {
  return node(party).call("datasets").header["datasets"];
}

std::vector<json> Client::approve(const std::vector<uint8_t> &bytecode, const std::string &name,
                                  const json &rules, const std::vector<uint32_t> &parties) {
  std::vector<json> out;
  for (uint32_t p : parties) {
    api::Message m;
    m.header = {{"op", "approve"}, {"name", name}, {"rules", rules}};
    m.payload = bytecode;
    out.push_back(node(p).call(std::move(m)).header);
  }
  return out;
}

std::string Client::submit(const bc::Program &prog, const JobRequest &req) {
  json spec = {{"job", randomId(8)}, {"protocol", req.protocol}, {"stats", req.stats}};
  spec["bindings"] = json::object();
  for (const auto &[k, v] : req.bindings)
    spec["bindings"][k] = v;
  spec["outputs"] = json::object();
  for (const auto &e : prog.outputs) {
    if (auto s = req.store.find(e.name); s != req.store.end())
      spec["outputs"][e.name] = {{"store", s->second}};
    else if (auto t = req.to.find(e.name); t != req.to.end())
      spec["outputs"][e.name] = {{"to", t->second}};
    else
      spec["outputs"][e.name] = {{"to", {publicKey()}}};
  }
  const std::string id = spec["job"];
  // Every node gets the job from the submitter itself: each checks its own
  // policy against a request it authenticated.
  for (auto &c : conns_) {
    api::Message m;
    m.header = {{"op", "submit"}, {"spec", spec}};
    m.payload = req.bytecode;
    c->send(m);
  }
  std::string refusal, code;
  for (auto &c : conns_) {
    api::Message r = c->recv();
    if (r.header.value("ok", false)) continue;
    const std::string rc = nodeText(r.header, "code", "");
    // A busy node makes the others refuse the job too; whichever answers
    // first, the submitter must learn that a retry later may succeed.
    if (refusal.empty() || (rc == api::code::kBusy && code != api::code::kBusy)) {
      refusal = nodeText(r.header, "error", "refused");
      code = rc;
    }
  }
  if (!refusal.empty()) throw ClientError(refusal, code);
  return id;
}

JobView Client::job(const std::string &id, uint32_t party, const std::string &since, int waitMs) {
  json f = {{"job", id}};
  if (!since.empty()) f["since"] = since, f["wait_ms"] = waitMs;
  return node(party).call("job", f).header;
}

std::vector<JobView> Client::wait(const std::string &id,
                                  const std::function<void(const JobView &)> &progress) {
  auto terminal = [](const std::string &s) {
    return s == "done" || s == "failed" || s == "cancelled" || s == "refused";
  };
  std::vector<JobView> views(parties());
  // Each node in turn until it has finished (long polls: a reply comes as
  // soon as the state changes, or after a second with the progress).
  for (uint32_t p = 0; p < parties(); ++p) {
    std::string state;
    for (;;) {
      views[p] = job(id, p, state, 1000);
      const std::string s = views[p].value("state", "");
      if (progress && (s != state || p == 0)) progress(views[p]);
      state = s;
      if (terminal(s)) break;
    }
  }
  return views;
}

Outputs Client::result(const std::string &id, bool keep) {
  Outputs out;
  std::vector<api::Message> replies;
  for (auto &c : conns_)
    replies.push_back(c->call("result", {{"job", id}}));
  const json &list = replies[0].header["outputs"];
  std::size_t off = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json &o = list[i];
    const uint64_t count = o.value("count", uint64_t(0));
    vm::OutputValue v;
    v.entry.name = o.value("name", "");
    const std::string elem = o["shape"].value("elem", "sint");
    v.entry.elem = elem == "sfix"    ? bc::ElemType::Fix
                   : elem == "sbool" ? bc::ElemType::Bool
                                     : bc::ElemType::Int;
    v.entry.ndims = uint8_t(o["shape"].value("ndims", 0));
    v.entry.rows = o["shape"].value("rows", 1u);
    v.entry.cols = o["shape"].value("cols", 1u);
    if (v.entry.elem == bc::ElemType::Fix)
      out.fracBits = uint8_t(o["shape"].value("frac_bits", 16));
    v.data.assign(count, 0);
    for (uint32_t p = 0; p < parties(); ++p) {
      const json &theirs = replies[p].header["outputs"];
      if (theirs.size() != list.size() || theirs[i].value("name", "") != v.entry.name ||
          theirs[i].value("count", uint64_t(0)) != count ||
          replies[p].payload.size() < (off + count) * 8)
        throw ClientError("party " + std::to_string(p) + " returned outputs of job " + id +
                          " that do not match party 0's");
      for (uint64_t k = 0; k < count; ++k) {
        uint64_t s;
        std::memcpy(&s, replies[p].payload.data() + (off + k) * 8, 8);
        v.data[k] += s;
      }
    }
    off += count;
    out.values.push_back(std::move(v));
  }
  for (auto &r : replies)
    sodium_memzero(r.payload.data(), r.payload.size());
  if (!keep)
    for (auto &c : conns_)
      c->call("result_ack", {{"job", id}});
  return out;
}

void Client::cancel(const std::string &id) {
  std::string err, code;
  for (auto &c : conns_) {
    try {
      c->call("cancel", {{"job", id}});
      return; // one node broadcasts the cancel to the others
    } catch (const ClientError &e) {
      if (err.empty()) err = e.what(), code = e.code;
    }
  }
  throw ClientError(err, code);
}

void Client::drop(const std::string &dataset) {
  std::string err, code;
  int dropped = 0;
  for (auto &c : conns_) {
    try {
      c->call("drop", {{"name", dataset}});
      ++dropped;
    } catch (const ClientError &e) {
      if (err.empty()) err = e.what(), code = e.code;
    }
  }
  if (!err.empty() && !dropped) throw ClientError(err, code);
}

json Client::jobs(uint32_t party, int limit) {
  return node(party).call("jobs", {{"limit", limit}}).header["jobs"];
}

} // namespace smpc::client

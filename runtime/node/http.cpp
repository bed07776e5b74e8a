//===- http.cpp - /healthz, /readyz, /metrics, /status.json and / ---------===//
//
// Everything shown here is about the node (peers, jobs, pool levels,
// dataset names and shapes), never values or shares. cpp-httplib serves it
// on its own thread pool; the page refreshes itself every few seconds.
//===----------------------------------------------------------------------===//
#include "runtime/node/node_impl.h"
#include "runtime/store/store.h"

#include <httplib.h>
#include <sstream>

namespace smpc::node {

using nlohmann::json;

namespace {

std::string esc(const std::string &s) {
  std::string o;
  for (char c : s) {
    switch (c) {
    case '<':
      o += "&lt;";
      break;
    case '>':
      o += "&gt;";
      break;
    case '&':
      o += "&amp;";
      break;
    case '"':
      o += "&quot;";
      break;
    default:
      o += c;
    }
  }
  return o;
}

} // namespace

json Node::Impl::statusJson() {
  json peers = json::array();
  for (const auto &p : mesh->peers())
    peers.push_back({{"party", p.id},
                     {"up", p.up},
                     {"down_reason", p.down},
                     {"downs", p.downs},
                     {"last_heard_ms", p.lastHeardMs}});
  json jobsOut = json::array();
  for (const auto &j : st->jobs(20)) {
    std::lock_guard lk(mu);
    auto it = jobs.find(j.id);
    jobsOut.push_back(jobJson(j, it == jobs.end() ? nullptr : it->second.get()));
  }
  json ds = json::array();
  for (const auto &d : st->datasets())
    ds.push_back({{"name", d.name},
                  {"shape", store::shapeText(d.shape)},
                  {"owner", d.ownerName},
                  {"state", store::datasetStateName(d.state)}});
  json poolOut = {{"state", pool->state()}};
  if (auto s = pool->status()) {
    json kinds = json::array();
    for (const auto &k : s->kinds)
      kinds.push_back({{"kind", k.name},
                       {"level", k.level},
                       {"capacity", k.capacity},
                       {"generated", k.generated},
                       {"rate_per_s", k.ratePerSecond}});
    poolOut["kinds"] = kinds;
    // On-demand material made ahead for approved programs' next runs.
    poolOut["stock"] = {{"items", s->stockItems}, {"wanted", s->stockWanted}};
  }
  return {{"party", self()},
          {"parties", parties()},
          {"uptime_s", std::chrono::duration<double>(Clock::now() - started).count()},
          {"peers", peers},
          {"jobs", jobsOut},
          {"datasets", ds},
          {"pool", poolOut}};
}

std::string Node::Impl::metricsText() {
  std::ostringstream o;
  auto counts = st->jobCounts();
  o << "# HELP smpc_jobs Jobs known to this node by state.\n# TYPE smpc_jobs gauge\n";
  for (int s = 0; s < store::kJobStates; ++s)
    o << "smpc_jobs{state=\"" << store::jobStateName(JobState(s)) << "\"} " << counts[size_t(s)]
      << "\n";
  Counters c;
  std::size_t queued, runningNow;
  {
    std::lock_guard ck(cmu);
    c = counters;
  }
  {
    std::lock_guard lk(mu);
    queued = 0, runningNow = 0;
    for (auto &[id, j] : jobs) {
      queued += j->state == JobState::Queued;
      runningNow += j->state == JobState::Running;
    }
  }
  o << "# HELP smpc_jobs_running Jobs running now.\n# TYPE smpc_jobs_running gauge\n"
    << "smpc_jobs_running " << runningNow << "\n";
  o << "# HELP smpc_jobs_queued Jobs waiting for a slot.\n# TYPE smpc_jobs_queued gauge\n"
    << "smpc_jobs_queued " << queued << "\n";
  o << "# HELP smpc_job_rounds_total Communication rounds of finished jobs.\n"
    << "# TYPE smpc_job_rounds_total counter\nsmpc_job_rounds_total " << c.rounds << "\n";
  o << "# HELP smpc_job_bytes_sent_total Bytes finished jobs sent.\n"
    << "# TYPE smpc_job_bytes_sent_total counter\nsmpc_job_bytes_sent_total " << c.bytes << "\n";
  o << "# HELP smpc_mesh_bytes_sent_total Bytes sent to peers (all traffic).\n"
    << "# TYPE smpc_mesh_bytes_sent_total counter\nsmpc_mesh_bytes_sent_total " << mesh->bytesSent()
    << "\n";
  o << "# HELP smpc_mesh_bytes_received_total Bytes received from peers (all traffic).\n"
    << "# TYPE smpc_mesh_bytes_received_total counter\nsmpc_mesh_bytes_received_total "
    << mesh->bytesReceived() << "\n";
  o << "# HELP smpc_peer_up Whether a peer is connected (1) or not (0).\n"
    << "# TYPE smpc_peer_up gauge\n";
  for (const auto &p : mesh->peers())
    if (p.id != self()) o << "smpc_peer_up{peer=\"" << p.id << "\"} " << (p.up ? 1 : 0) << "\n";
  o << "# HELP smpc_peer_downs_total Times a peer went down.\n# TYPE smpc_peer_downs_total "
       "counter\n";
  for (const auto &p : mesh->peers())
    if (p.id != self()) o << "smpc_peer_downs_total{peer=\"" << p.id << "\"} " << p.downs << "\n";
  o << "# HELP smpc_client_refusals_total Client requests or connections refused, by reason.\n"
    << "# TYPE smpc_client_refusals_total counter\n";
  for (const char *r : {"handshake", api::code::kForbidden, api::code::kRefused, api::code::kBusy,
                        api::code::kBadRequest, api::code::kNotFound, api::code::kFailed}) {
    auto it = c.refusals.find(r);
    o << "smpc_client_refusals_total{reason=\"" << r << "\"} "
      << (it == c.refusals.end() ? 0 : it->second) << "\n";
  }
  o << "# HELP smpc_uploads_total Uploads started.\n# TYPE smpc_uploads_total counter\n"
    << "smpc_uploads_total " << c.uploads << "\n";
  o << "# HELP smpc_upload_bytes_total Share bytes received in uploads.\n"
    << "# TYPE smpc_upload_bytes_total counter\nsmpc_upload_bytes_total " << c.uploadBytes << "\n";
  if (auto s = pool->status()) {
    o << "# HELP smpc_pool_level Records in the triple pool by kind.\n"
      << "# TYPE smpc_pool_level gauge\n";
    for (const auto &k : s->kinds)
      o << "smpc_pool_level{kind=\"" << k.name << "\"} " << k.level << "\n";
    o << "# HELP smpc_pool_capacity Pool capacity by kind (from pool.memory_mb).\n"
      << "# TYPE smpc_pool_capacity gauge\n";
    for (const auto &k : s->kinds)
      o << "smpc_pool_capacity{kind=\"" << k.name << "\"} " << k.capacity << "\n";
    o << "# HELP smpc_pool_generated_total Records generated by kind.\n"
      << "# TYPE smpc_pool_generated_total counter\n";
    for (const auto &k : s->kinds)
      o << "smpc_pool_generated_total{kind=\"" << k.name << "\"} " << k.generated << "\n";
    o << "# HELP smpc_pool_rate Records generated per second of generation time.\n"
      << "# TYPE smpc_pool_rate gauge\n";
    for (const auto &k : s->kinds)
      o << "smpc_pool_rate{kind=\"" << k.name << "\"} " << k.ratePerSecond << "\n";
  }
  return o.str();
}

std::string Node::Impl::statusHtml() {
  json s = statusJson();
  std::ostringstream o;
  o << "<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" "
       "content=\"5\"><title>smpc node, party "
    << self()
    << "</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
       "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}.up{color:#080}"
       ".down{color:#b00}</style></head><body>";
  o << "<h1>smpc node: party " << self() << " of " << parties() << "</h1>";
  o << "<h2>Peers</h2><table><tr><th>party</th><th>state</th><th>last "
       "heard</th><th>downs</th></tr>";
  for (const auto &p : s["peers"])
    o << "<tr><td>" << p["party"] << "</td><td class=\"" << (p["up"] ? "up" : "down") << "\">"
      << (p["up"] ? "up" : "down " + esc(p["down_reason"].get<std::string>())) << "</td><td>"
      << (p["last_heard_ms"].get<int64_t>() < 0
              ? std::string("never")
              : std::to_string(p["last_heard_ms"].get<int64_t>()) + " ms ago")
      << "</td><td>" << p["downs"] << "</td></tr>";
  o << "</table><h2>Triple pool (" << esc(s["pool"]["state"].get<std::string>()) << ")</h2>";
  if (s["pool"].contains("kinds")) {
    o << "<table><tr><th>kind</th><th>level</th><th>capacity</th><th>rate/s</th></tr>";
    for (const auto &k : s["pool"]["kinds"])
      o << "<tr><td>" << esc(k["kind"].get<std::string>()) << "</td><td>" << k["level"]
        << "</td><td>" << k["capacity"] << "</td><td>" << uint64_t(k["rate_per_s"].get<double>())
        << "</td></tr>";
    o << "</table>";
  }
  o << "<h2>Jobs (latest 20)</h2><table><tr><th>job</th><th>state</th><th>submitter</th>"
       "<th>program</th><th>error</th></tr>";
  for (const auto &j : s["jobs"])
    o << "<tr><td>" << esc(j["job"].get<std::string>()) << "</td><td>"
      << esc(j["state"].get<std::string>()) << "</td><td>" << esc(j["submitter"].get<std::string>())
      << "</td><td>" << esc(j["program"].get<std::string>().substr(0, 12)) << "</td><td>"
      << esc(j.value("error", std::string())) << "</td></tr>";
  o << "</table><h2>Datasets</h2><table><tr><th>name</th><th>type</th><th>owner</th>"
       "<th>state</th></tr>";
  for (const auto &d : s["datasets"])
    o << "<tr><td>" << esc(d["name"].get<std::string>()) << "</td><td>"
      << esc(d["shape"].get<std::string>()) << "</td><td>" << esc(d["owner"].get<std::string>())
      << "</td><td>" << esc(d["state"].get<std::string>()) << "</td></tr>";
  o << "</table><p>Values and shares are never shown here. Machine-readable: "
       "<a href=\"/status.json\">/status.json</a>, <a href=\"/metrics\">/metrics</a>.</p>"
       "</body></html>";
  return o.str();
}

void Node::Impl::startHttp() {
  if (cfg.httpPort < 0) return;
  http = std::make_unique<httplib::Server>();
  http->Get("/healthz", [](const httplib::Request &, httplib::Response &res) {
    res.set_content("ok\n", "text/plain");
  });
  http->Get("/readyz", [this](const httplib::Request &, httplib::Response &res) {
    std::string down;
    for (const auto &p : mesh->peers())
      if (!p.up) down += (down.empty() ? "" : ", ") + std::to_string(p.id);
    if (down.empty()) return res.set_content("ready\n", "text/plain");
    res.status = 503;
    res.set_content("not ready: peer(s) " + down + " not connected\n", "text/plain");
  });
  http->Get("/metrics", [this](const httplib::Request &, httplib::Response &res) {
    res.set_content(metricsText(), "text/plain; version=0.0.4");
  });
  http->Get("/status.json", [this](const httplib::Request &, httplib::Response &res) {
    res.set_content(statusJson().dump(2), "application/json");
  });
  http->Get("/", [this](const httplib::Request &, httplib::Response &res) {
    res.set_content(statusHtml(), "text/html; charset=utf-8");
  });
  if (cfg.httpPort == 0) {
    httpPort = http->bind_to_any_port(cfg.httpHost);
  } else {
    httpPort = http->bind_to_port(cfg.httpHost, cfg.httpPort) ? cfg.httpPort : -1;
  }
  if (httpPort < 0)
    throw std::runtime_error("cannot serve the status page on " + cfg.httpHost + ":" +
                             std::to_string(cfg.httpPort) + " (http.port in use?)");
  httpThread = std::thread([this] { http->listen_after_bind(); });
}

void Node::Impl::stopHttp() {
  if (!http) return;
  http->stop();
  if (httpThread.joinable()) httpThread.join();
  http.reset();
}

} // namespace smpc::node

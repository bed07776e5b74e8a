//===- nats_queue.cpp - the job queue and job board on NATS JetStream -----===//
#include "runtime/queue/nats_queue.h"

#include <chrono>
#include <nats/nats.h>
#include <thread>

namespace smpc::queue {

namespace {

// "operation: NATS reason (JetStream error N)" for a failed call.
std::string reason(natsStatus s, jsErrCode code = static_cast<jsErrCode>(0)) {
  std::string r = natsStatus_GetText(s);
  const char *last = nats_GetLastError(nullptr);
  if (last && *last && r.find(last) == std::string::npos) r += std::string(": ") + last;
  if (code != 0)
    r += std::string(" (JetStream error ") + std::to_string(static_cast<int>(code)) + ")";
  return r;
}

[[noreturn]] void fail(const std::string &what, natsStatus s,
                       jsErrCode code = static_cast<jsErrCode>(0)) {
  throw QueueError(what + ": " + reason(s, code));
}

int64_t ms(std::chrono::milliseconds d) {
  return d.count() > 0 ? d.count() : 1;
}

// A subject token from the job board key: p<party>.<key>.
std::string boardKey(uint32_t party, const std::string &key) {
  if (key.empty() || key.size() > 32 ||
      key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos)
    throw QueueError("job board key '" + key + "' must be 1-32 characters of [a-z_]");
  std::string k = "p"; // appended piecewise: GCC 12 -Wrestrict misfires on "p" + ...
  k += std::to_string(party);
  k += '.';
  k += key;
  return k;
}

// A job board another party has just made may answer "no responders" for a
// moment, until its stream listens on its subjects; nothing was written
// then, so the write is retried, for at most two seconds.
template <class F> natsStatus retryNoResponders(F &&write) {
  natsStatus s = write();
  for (int i = 0; i < 40 && s == NATS_NO_RESPONDERS; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    s = write();
  }
  return s;
}

} // namespace

void checkName(const std::string &what, const std::string &name) {
  static const char *kAllowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
  if (name.empty() || name.size() > 64 || name.find_first_not_of(kAllowed) != std::string::npos)
    throw QueueError(what + " '" + name +
                     "' cannot name a NATS stream or bucket: use 1-64 characters of "
                     "[A-Za-z0-9_-]");
}

Connection::Connection(const std::string &url, std::chrono::milliseconds timeout) : url_(url) {
  natsOptions *opts = nullptr;
  natsStatus s = natsOptions_Create(&opts);
  if (s == NATS_OK) s = natsOptions_SetURL(opts, url.c_str());
  if (s == NATS_OK) s = natsOptions_SetTimeout(opts, ms(timeout));
  // Keep trying through a NATS restart; jobs in flight are in the stream.
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, -1);
  if (s == NATS_OK) s = natsConnection_Connect(&nc_, opts);
  natsOptions_Destroy(opts);
  if (s != NATS_OK)
    throw QueueError("cannot connect to NATS at " + url + ": " + reason(s) +
                     "; check --nats and that nats-server runs with JetStream (-js)");
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = ms(timeout);
  s = natsConnection_JetStream(&js_, nc_, &jo);
  jsAccountInfo *ai = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  if (s == NATS_OK) s = js_GetAccountInfo(&ai, js_, nullptr, &code);
  jsAccountInfo_Destroy(ai);
  if (s != NATS_OK) {
    jsCtx_Destroy(js_);
    natsConnection_Destroy(nc_);
    throw QueueError("NATS at " + url + " has no JetStream: " + reason(s, code) +
                     "; start nats-server with -js");
  }
}

Connection::~Connection() {
  jsCtx_Destroy(js_);
  natsConnection_Destroy(nc_);
}

JobQueue::JobQueue(Connection &conn, const std::string &cluster, uint32_t party, int64_t maxJobs)
    : conn_(conn) {
  checkName("cluster name", cluster);
  stream_ = "SMPC_" + cluster + std::string("_P") + std::to_string(party);
  subject_ = "smpc." + cluster + std::string(".p") + std::to_string(party) + ".jobs";
  const char *subjects[] = {subject_.c_str()};
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = stream_.c_str();
  cfg.Description = "smpc jobs of one party, taken by its workers";
  cfg.Subjects = subjects;
  cfg.SubjectsLen = 1;
  cfg.Retention = js_WorkQueuePolicy; // a taken job leaves the stream
  cfg.Storage = js_FileStorage;       // queued jobs survive a NATS restart
  cfg.MaxMsgs = maxJobs;
  cfg.Discard = js_DiscardNew; // a full queue refuses, never drops a queued job
  cfg.Duplicates = int64_t(600) * 1000 * 1000 * 1000; // same job id within 10 min: once
  jsStreamInfo *si = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_AddStream(&si, conn_.js(), &cfg, nullptr, &code);
  jsStreamInfo_Destroy(si);
  if (s != NATS_OK && code == JSStreamNameExistErr) {
    // Made before (maybe by another process with other limits): use it.
    si = nullptr;
    s = js_GetStreamInfo(&si, conn_.js(), stream_.c_str(), nullptr, &code);
    jsStreamInfo_Destroy(si);
  }
  if (s != NATS_OK) fail("cannot create the job stream " + stream_, s, code);

  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = stream_.c_str();
  so.ManualAck = true;
  so.Config.AckPolicy = js_AckExplicit;
  so.Config.MaxDeliver = 1; // never hand a job to a second worker
  so.Config.AckWait = int64_t(30) * 1000 * 1000 * 1000;
  so.Config.Description = "smpc workers";
  s = js_PullSubscribe(&sub_, conn_.js(), subject_.c_str(), "workers", nullptr, &so, &code);
  if (s != NATS_OK) fail("cannot subscribe to the job stream " + stream_, s, code);
}

JobQueue::~JobQueue() {
  natsSubscription_Destroy(sub_);
}

bool JobQueue::publish(const std::string &jobId, const std::string &payload) {
  checkName("job id", jobId);
  natsMsg *m = nullptr;
  natsStatus s = natsMsg_Create(&m, subject_.c_str(), nullptr, payload.data(),
                                static_cast<int>(payload.size()));
  if (s == NATS_OK) s = natsMsgHeader_Set(m, "Nats-Msg-Id", jobId.c_str());
  jsPubAck *ack = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  if (s == NATS_OK) s = js_PublishMsg(&ack, conn_.js(), m, nullptr, &code);
  natsMsg_Destroy(m);
  if (s != NATS_OK) {
    jsPubAck_Destroy(ack);
    if (code == JSStreamStoreFailedErr ||
        std::string(reason(s)).find("maximum messages") != std::string::npos)
      throw QueueError("the job queue " + stream_ + std::string(" is full (") +
                       std::to_string(waiting()) +
                       " jobs wait for a worker); start more workers or try again later");
    fail("cannot queue job " + jobId + " on " + stream_, s, code);
  }
  bool fresh = !ack->Duplicate;
  jsPubAck_Destroy(ack);
  return fresh;
}

std::optional<TakenJob> JobQueue::take(std::chrono::milliseconds wait) {
  natsMsgList list{};
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = natsSubscription_Fetch(&list, sub_, 1, ms(wait), &code);
  if (s == NATS_TIMEOUT) return std::nullopt;
  if (s != NATS_OK) fail("cannot take a job from " + stream_, s, code);
  std::optional<TakenJob> job;
  for (int i = 0; i < list.Count; ++i) {
    natsMsg *m = list.Msgs[i];
    // Acknowledged before anything runs: from here on the job is this
    // worker's alone, and is never delivered again even if it dies.
    if (natsStatus a = natsMsg_AckSync(m, nullptr, &code); a != NATS_OK) {
      natsMsgList_Destroy(&list);
      fail("cannot acknowledge a job taken from " + stream_, a, code);
    }
    const char *id = nullptr;
    TakenJob t;
    if (natsMsgHeader_Get(m, "Nats-Msg-Id", &id) == NATS_OK && id) t.jobId = id;
    t.payload.assign(natsMsg_GetData(m), static_cast<size_t>(natsMsg_GetDataLength(m)));
    jsMsgMetaData *meta = nullptr;
    if (natsMsg_GetMetaData(&meta, m) == NATS_OK) t.sequence = meta->Sequence.Stream;
    jsMsgMetaData_Destroy(meta);
    job = std::move(t);
  }
  natsMsgList_Destroy(&list);
  return job;
}

uint64_t JobQueue::waiting() {
  jsStreamInfo *si = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&si, conn_.js(), stream_.c_str(), nullptr, &code);
  if (s != NATS_OK) fail("cannot read the state of " + stream_, s, code);
  uint64_t n = si->State.Msgs;
  jsStreamInfo_Destroy(si);
  return n;
}

JobBoard::JobBoard(Connection &conn, const std::string &cluster, const std::string &jobId,
                   std::chrono::seconds ttl)
    : conn_(conn) {
  checkName("cluster name", cluster);
  checkName("job id", jobId);
  bucket_ = "smpc-job-" + cluster + "-" + jobId;
  if (bucket_.size() > 200) throw QueueError("job board name too long: " + bucket_);
  kvConfig cfg;
  kvConfig_Init(&cfg);
  cfg.Bucket = bucket_.c_str();
  cfg.History = 1;
  cfg.TTL = std::chrono::duration_cast<std::chrono::nanoseconds>(ttl).count(); // ns in cnats 3.4
  cfg.StorageType = js_MemoryStorage; // endpoints and states only; gone with the job
  natsStatus s = js_CreateKeyValue(&kv_, conn_.js(), &cfg);
  if (s != NATS_OK) {
    const std::string why = reason(s);
    s = js_KeyValue(&kv_, conn_.js(), bucket_.c_str()); // another party made it
    if (s != NATS_OK) throw QueueError("cannot open the job board " + bucket_ + ": " + why);
  }
}

JobBoard::~JobBoard() {
  kvStore_Destroy(kv_);
}

void JobBoard::put(uint32_t party, const std::string &key, const std::string &value) {
  const std::string k = boardKey(party, key);
  uint64_t rev = 0;
  if (natsStatus s =
          retryNoResponders([&] { return kvStore_PutString(&rev, kv_, k.c_str(), value.c_str()); });
      s != NATS_OK)
    fail("cannot write " + k + " on the job board " + bucket_, s);
}

bool JobBoard::claim(uint32_t party, const std::string &key, const std::string &value) {
  const std::string k = boardKey(party, key);
  uint64_t rev = 0;
  natsStatus s =
      retryNoResponders([&] { return kvStore_CreateString(&rev, kv_, k.c_str(), value.c_str()); });
  if (s == NATS_OK) return true;
  if (get(party, key)) return false; // someone else holds it
  fail("cannot claim " + k + " on the job board " + bucket_, s);
}

std::optional<std::string> JobBoard::get(uint32_t party, const std::string &key) {
  const std::string k = boardKey(party, key);
  kvEntry *e = nullptr;
  natsStatus s = kvStore_Get(&e, kv_, k.c_str());
  if (s == NATS_NOT_FOUND) return std::nullopt;
  if (s != NATS_OK) fail("cannot read " + k + " on the job board " + bucket_, s);
  std::string v(static_cast<const char *>(kvEntry_Value(e)),
                static_cast<size_t>(kvEntry_ValueLen(e)));
  kvEntry_Destroy(e);
  return v;
}

std::map<uint32_t, std::string> JobBoard::waitAll(const std::string &key, uint32_t parties,
                                                  std::chrono::milliseconds timeout) {
  boardKey(0, key); // validates the key
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  kvWatcher *w = nullptr;
  const std::string pattern = "*." + key;
  if (natsStatus s = kvStore_Watch(&w, kv_, pattern.c_str(), nullptr); s != NATS_OK)
    fail("cannot watch the job board " + bucket_, s);
  std::map<uint32_t, std::string> got;
  while (got.size() < parties) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    kvEntry *e = nullptr;
    natsStatus s = kvWatcher_Next(&e, w, left.count());
    if (s == NATS_TIMEOUT) break;
    if (s != NATS_OK) {
      kvWatcher_Destroy(w);
      fail("cannot watch the job board " + bucket_, s);
    }
    if (!e) continue; // the marker after the initial values
    std::string k = kvEntry_Key(e);
    if (kvEntry_Operation(e) == kvOp_Put && k.size() > 1 && k[0] == 'p') {
      size_t dot = k.find('.');
      const std::string num = k.substr(1, dot - 1);
      if (dot != std::string::npos && !num.empty() && num.size() < 4 &&
          num.find_first_not_of("0123456789") == std::string::npos) {
        uint32_t p = static_cast<uint32_t>(std::stoul(num));
        if (p < parties)
          got[p].assign(static_cast<const char *>(kvEntry_Value(e)),
                        static_cast<size_t>(kvEntry_ValueLen(e)));
      }
    }
    kvEntry_Destroy(e);
  }
  kvWatcher_Destroy(w);
  if (got.size() < parties) {
    std::string missing;
    for (uint32_t p = 0; p < parties; ++p)
      if (!got.count(p)) missing += (missing.empty() ? "" : ", ") + std::to_string(p);
    throw QueueError("no worker of party " + missing + " posted '" + key + "' on the job board " +
                     bucket_ + std::string(" within ") + std::to_string(timeout.count()) +
                     " ms; is a worker of every party running?");
  }
  return got;
}

void JobBoard::remove() {
  if (natsStatus s = js_DeleteKeyValue(conn_.js(), bucket_.c_str());
      s != NATS_OK && s != NATS_NOT_FOUND)
    fail("cannot delete the job board " + bucket_, s);
}

} // namespace smpc::queue

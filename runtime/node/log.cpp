//===- log.cpp - JSON lines on stderr --------------------------------------===//
#include "runtime/node/log.h"

#include <chrono>
#include <ctime>
#include <unistd.h>

namespace smpc::node {

namespace {
const char *kNames[] = {"debug", "info", "warn", "error"};

std::string isoNow() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t t = std::time_t(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, int(ms % 1000));
  return out;
}
} // namespace

Logger::Logger(uint32_t party, const std::string &level) : party_(party), min_(Level::Info) {
  for (int i = 0; i < 4; ++i)
    if (level == kNames[i]) min_ = Level(i);
}

void Logger::log(Level lv, const std::string &msg, nlohmann::json fields) {
  if (lv < min_) return;
  nlohmann::json j = {
      {"ts", isoNow()}, {"level", kNames[int(lv)]}, {"party", party_}, {"msg", msg}};
  for (auto it = fields.begin(); it != fields.end(); ++it)
    j[it.key()] = it.value();
  std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lk(mu_);
  [[maybe_unused]] auto r = ::write(2, line.data(), line.size());
}

} // namespace smpc::node

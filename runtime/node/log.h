//===- log.h - JSON-lines logging of the node -----------------------------===//
//
// One JSON object per line on stderr: {"ts", "level", "party", "msg", ...}
// plus fields given per call (job, peer, client). Callers pass names,
// counts and reasons only, never values or shares. One write per line so
// lines of concurrent threads never interleave.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace smpc::node {

enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3 };

class Logger {
public:
  Logger(uint32_t party, const std::string &level);
  void log(Level lv, const std::string &msg, nlohmann::json fields = nlohmann::json::object());
  void debug(const std::string &m, nlohmann::json f = nlohmann::json::object()) {
    log(Level::Debug, m, std::move(f));
  }
  void info(const std::string &m, nlohmann::json f = nlohmann::json::object()) {
    log(Level::Info, m, std::move(f));
  }
  void warn(const std::string &m, nlohmann::json f = nlohmann::json::object()) {
    log(Level::Warn, m, std::move(f));
  }
  void error(const std::string &m, nlohmann::json f = nlohmann::json::object()) {
    log(Level::Error, m, std::move(f));
  }

private:
  uint32_t party_;
  Level min_;
  std::mutex mu_;
};

} // namespace smpc::node

//===- outputs.cpp - decode ring values for display ------------------------===//
#include "runtime/data/outputs.h"

#include <cmath>
#include <cstdio>

namespace smpc::data {

namespace {

double fixValue(uint64_t v, uint8_t fracBits) {
  return std::ldexp(static_cast<double>(static_cast<int64_t>(v)), -int(fracBits));
}

template <class F> std::string nest(const bc::IoEntry &e, const std::vector<uint64_t> &d, F one) {
  if (e.ndims == 0) return d.empty() ? "" : one(d[0]);
  auto row = [&](size_t start, size_t n) {
    std::string s = "[";
    for (size_t i = 0; i < n; ++i)
      s += (i ? ", " : "") + one(d[start + i]);
    return s + "]";
  };
  if (e.ndims == 1) return row(0, d.size());
  std::string s = "[";
  for (uint32_t r = 0; r < e.rows; ++r)
    s += (r ? ", " : "") + row(size_t(r) * e.cols, e.cols);
  return s + "]";
}

nlohmann::json elementJson(bc::ElemType t, uint64_t v, uint8_t fracBits) {
  switch (t) {
  case bc::ElemType::Int:
    return static_cast<int64_t>(v);
  case bc::ElemType::Fix:
    // Exact: a 64-bit fixed-point value below 2^53 units is a double.
    return fixValue(v, fracBits);
  case bc::ElemType::Bool:
    return v != 0;
  }
  return nullptr;
}

} // namespace

std::string formatElement(bc::ElemType t, uint64_t v, uint8_t fracBits) {
  switch (t) {
  case bc::ElemType::Int:
    return std::to_string(static_cast<int64_t>(v));
  case bc::ElemType::Bool:
    return v == 0 ? "false" : v == 1 ? "true" : std::to_string(static_cast<int64_t>(v));
  case bc::ElemType::Fix: {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", fixValue(v, fracBits));
    std::string s = buf;
    while (!s.empty() && s.back() == '0')
      s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    if (s == "-0") s = "0";
    return s;
  }
  }
  return "?";
}

std::string formatOutputsText(const std::vector<vm::OutputValue> &outs, uint8_t fracBits) {
  std::string text;
  for (const vm::OutputValue &o : outs) {
    text += o.entry.name + " = " +
            nest(o.entry, o.data,
                 [&](uint64_t v) { return formatElement(o.entry.elem, v, fracBits); }) +
            "\n";
  }
  return text;
}

nlohmann::json outputsJson(const std::vector<vm::OutputValue> &outs, uint8_t fracBits) {
  nlohmann::json j = nlohmann::json::object();
  for (const vm::OutputValue &o : outs) {
    auto one = [&](uint64_t v) { return elementJson(o.entry.elem, v, fracBits); };
    const bc::IoEntry &e = o.entry;
    if (e.ndims == 0) {
      j[e.name] = o.data.empty() ? nlohmann::json() : one(o.data[0]);
    } else if (e.ndims == 1) {
      nlohmann::json a = nlohmann::json::array();
      for (uint64_t v : o.data)
        a.push_back(one(v));
      j[e.name] = a;
    } else {
      nlohmann::json m = nlohmann::json::array();
      for (uint32_t r = 0; r < e.rows; ++r) {
        nlohmann::json a = nlohmann::json::array();
        for (uint32_t c = 0; c < e.cols; ++c)
          a.push_back(one(o.data[size_t(r) * e.cols + c]));
        m.push_back(a);
      }
      j[e.name] = m;
    }
  }
  return j;
}

} // namespace smpc::data

//===- limits.h - hard limits on what a .smpcb file may ask for -----------===//
//
// The loader refuses anything beyond these before allocating, so a hostile
// file cannot make the VM allocate unbounded memory.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

namespace smpc::bc {

inline constexpr uint64_t kMaxVectorLen = uint64_t(1) << 28;     // elements per register/const/io
inline constexpr uint64_t kMaxRegisterElems = uint64_t(1) << 28; // all registers together (2 GiB)
inline constexpr uint64_t kMaxConstElems = uint64_t(1) << 28;    // all constants together
inline constexpr uint64_t kMaxRegisters = uint64_t(1) << 22;     // per bank
inline constexpr uint64_t kMaxInstructions = uint64_t(1) << 24;
inline constexpr uint64_t kMaxIoEntries = 1u << 16;
inline constexpr uint64_t kMaxParties = 1024;
inline constexpr uint64_t kMaxStringLen = 4096;
inline constexpr uint64_t kMaxFiles = 1u << 16;

} // namespace smpc::bc

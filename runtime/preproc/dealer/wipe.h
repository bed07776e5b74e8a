//===- wipe.h - zero share and key buffers before they are freed ----------===//
#pragma once

#include <array>
#include <sodium.h>
#include <vector>

namespace smpc::dealer {

template <class T> void wipe(std::vector<T> &v) {
  sodium_memzero(v.data(), v.size() * sizeof(T));
}
template <class T, std::size_t N> void wipe(std::array<T, N> &a) {
  sodium_memzero(a.data(), N * sizeof(T));
}

} // namespace smpc::dealer

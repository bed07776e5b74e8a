//===- benes.cpp - routing a permutation through a Benes network ----------===//
#include "runtime/preproc/ot/benes.h"

namespace smpc::preproc {

uint64_t benesWires(uint64_t n) {
  uint64_t m = 2;
  while (m < n)
    m *= 2;
  return m;
}

uint64_t benesSwitches(uint64_t m) {
  uint64_t l = 0;
  while ((uint64_t(1) << l) < m)
    ++l;
  return m * l - m / 2;
}

namespace {

// The looping algorithm on a block of m wires: settings of the input and
// output switches, then the two half-size problems. `base` is the number of
// the block's first switch.
void route(const std::vector<uint32_t> &p, std::vector<uint8_t> &bits, uint64_t base) {
  const uint64_t m = p.size();
  if (m == 2) {
    bits[base] = p[0] == 1;
    return;
  }
  const uint64_t h = m / 2, sub = benesSwitches(h);
  std::vector<uint32_t> inv(m);
  for (uint64_t r = 0; r < m; ++r)
    inv[p[r]] = uint32_t(r);
  std::vector<int8_t> side(m, -1); // of each output: 0 upper, 1 lower network
  for (uint64_t start = 0; start < m; start += 2) {
    if (side[start] >= 0) continue;
    uint64_t r = start;
    while (side[r] < 0) {
      side[r] = 0;
      const uint32_t x = p[r];        // goes through the upper network
      bits[base + x / 2] = x & 1;     // crossed if it is the odd wire
      const uint64_t rp = inv[x ^ 1]; // its partner takes the lower one
      side[rp] = 1;
      r = rp ^ 1; // and the other output of that pair the upper one
    }
  }
  std::vector<uint32_t> up(h), lo(h);
  for (uint64_t r = 0; r < m; ++r)
    (side[r] == 0 ? up : lo)[r / 2] = p[r] / 2;
  for (uint64_t j = 0; j < h; ++j)
    bits[base + h + 2 * sub + j] = side[2 * j] == 1;
  route(up, bits, base + h);
  route(lo, bits, base + h + sub);
}

} // namespace

std::vector<uint8_t> benesRoute(std::span<const uint32_t> perm) {
  std::vector<uint8_t> bits(benesSwitches(perm.size()));
  route(std::vector<uint32_t>(perm.begin(), perm.end()), bits, 0);
  return bits;
}

} // namespace smpc::preproc

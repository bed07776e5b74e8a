//===- benes.h - Benes permutation networks: routing and evaluation -------===//
//
// A Benes network on m = 2^L wires has 2L - 1 layers of m/2 two-way
// switches and realises every permutation. The OT-based shuffle material
// (shuffle_material.cpp) runs one as an oblivious switching network: the
// permuter knows the switch settings, the other party the wire masks.
//
// Layout, recursively for a block of m wires: m/2 input switches on wire
// pairs (2i, 2i+1), whose top outputs feed the upper half-size network and
// bottom outputs the lower one, then m/2 output switches joining output i of
// both halves into wires (2i, 2i+1). Switches are numbered in that order
// (input layer, upper network, lower network, output layer), depth first.
// A set switch crosses its two wires.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace smpc::preproc {

/// Wires of the smallest Benes network with at least n wires (a power of 2,
/// at least 2).
uint64_t benesWires(uint64_t n);
/// Switches of a Benes network on m wires (a power of 2): m log2(m) - m/2.
uint64_t benesSwitches(uint64_t m);

/// Switch settings (one byte 0/1 per switch, in the order above) that make
/// the network on m = perm.size() wires (a power of 2) compute
/// out[r] = in[perm[r]].
std::vector<uint8_t> benesRoute(std::span<const uint32_t> perm);

/// Visits the switches of a network on m wires in evaluation order, calling
/// sw(id, a, b) with the switch number and the positions of its two wires in
/// the working array; the array (rows of w words) starts as the input and
/// ends as the output. The caller's `sw` transforms rows a and b in place.
/// Between layers the rows are rearranged by the fixed wiring.
template <class Switch>
void benesEvaluate(std::vector<uint64_t> &rows, uint64_t m, uint64_t w, Switch &&sw);

} // namespace smpc::preproc

#include "runtime/preproc/ot/benes_eval.inc"

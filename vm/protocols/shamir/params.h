//===- params.h - the fixed public data of one Shamir job -----------------===//
//
// N parties, threshold t = floor((N-1)/2) (any t may pool their views and
// learn nothing; t+1 shares reconstruct, 2t+1 <= N shares reconstruct a
// product), degree d of the extension, party i's evaluation point
// alpha_i = the ring element with the bits of i+1 as coefficients, and the
// Lagrange coefficients every step needs, computed once per job.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/protocols/shamir/galois.h"

#include <cstdint>
#include <vector>

namespace smpc::shamir {

/// How dealer j makes a sharing of degree D: the D parties after it get
/// shares drawn from the stream it shares with each of them; every other
/// party's share (the dealer's own included) is fixed by those and the
/// secret: share_k = coef[k][0] * secret + sum_m coef[k][1+m] * share_free[m].
struct Dealing {
  std::vector<uint32_t> free;
  std::vector<bool> isFree;
  std::vector<std::vector<Gr>> coef; // per party; empty for free parties
};

struct Params {
  uint32_t N = 0, t = 0;
  Ext ext;
  std::vector<Gr> alpha;              // per party
  std::vector<Gr> lamQ;               // reconstruction at 0 from parties 0..t
  std::vector<Gr> lamO;               // reconstruction at 0 from parties 0..2t
  std::vector<Dealing> dealT, deal2T; // per dealer
  /// Every set of t+1 parties, in lexicographic order, with its Lagrange
  /// coefficients at 0: the secret shuffle's turns. Empty when there are
  /// more than bc::kMaxShamirShuffleSets of them.
  std::vector<std::vector<uint32_t>> sets;
  std::vector<std::vector<Gr>> setLam;

  /// Throws vm::ProtocolError when N is out of range (3 <= N <= 255).
  static Params make(uint32_t parties);
  uint32_t d() const { return ext.d; }
};

/// Lagrange coefficients at `target` for the points `pts`.
std::vector<Gr> lagrange(const Ext &e, const std::vector<Gr> &pts, const Gr &target);

} // namespace smpc::shamir

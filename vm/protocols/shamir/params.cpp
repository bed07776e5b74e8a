//===- params.cpp - evaluation points and Lagrange coefficients -----------===//
#include "vm/protocols/shamir/params.h"

#include "vm/bytecode/cost.h"
#include "vm/bytecode/protocols.h"
#include "vm/core/errors.h"

#include <string>

namespace smpc::shamir {

std::vector<Gr> lagrange(const Ext &e, const std::vector<Gr> &pts, const Gr &target) {
  std::vector<Gr> lam(pts.size());
  for (size_t j = 0; j < pts.size(); ++j) {
    Gr num = grPoint(1), den = grPoint(1);
    for (size_t i = 0; i < pts.size(); ++i) {
      if (i == j) continue;
      num = grMul(e, num, grSub(target, pts[i]));
      den = grMul(e, den, grSub(pts[j], pts[i]));
    }
    lam[j] = grMul(e, num, grInv(e, den));
  }
  return lam;
}

namespace {

Dealing makeDealing(const Params &p, uint32_t dealer, uint32_t degree) {
  Dealing dl;
  dl.isFree.assign(p.N, false);
  for (uint32_t m = 1; m <= degree; ++m) {
    const uint32_t f = (dealer + m) % p.N;
    dl.free.push_back(f);
    dl.isFree[f] = true;
  }
  std::vector<Gr> known = {Gr{}}; // the secret sits at 0
  for (uint32_t f : dl.free)
    known.push_back(p.alpha[f]);
  dl.coef.resize(p.N);
  for (uint32_t k = 0; k < p.N; ++k)
    if (!dl.isFree[k]) dl.coef[k] = lagrange(p.ext, known, p.alpha[k]);
  return dl;
}

} // namespace

Params Params::make(uint32_t parties) {
  const uint32_t d = degreeFor(parties);
  if (parties < 3 || d == 0)
    throw vm::ProtocolError("shamir needs between 3 and 255 parties, the job has " +
                            std::to_string(parties));
  Params p;
  p.N = parties;
  p.t = bc::shamirThreshold(parties);
  p.ext = makeExt(d);
  for (uint32_t i = 0; i < parties; ++i)
    p.alpha.push_back(grPoint(i + 1));
  auto recon = [&](uint32_t count) {
    std::vector<Gr> pts(p.alpha.begin(), p.alpha.begin() + count);
    return lagrange(p.ext, pts, Gr{});
  };
  p.lamQ = recon(p.t + 1);
  p.lamO = recon(2 * p.t + 1);
  if (bc::shamirShuffleSets(parties) <= bc::kMaxShamirShuffleSets) {
    std::vector<uint32_t> set(p.t + 1);
    for (uint32_t i = 0; i <= p.t; ++i)
      set[i] = i;
    for (;;) {
      std::vector<Gr> pts;
      pts.reserve(set.size());
      for (uint32_t i : set)
        pts.push_back(p.alpha[i]);
      p.sets.push_back(set);
      p.setLam.push_back(lagrange(p.ext, pts, Gr{}));
      // The next combination: raise the last member that can still move.
      int i = int(p.t);
      while (i >= 0 && set[size_t(i)] == parties - (p.t + 1) + uint32_t(i))
        --i;
      if (i < 0) break;
      ++set[size_t(i)];
      for (size_t k = size_t(i) + 1; k <= p.t; ++k)
        set[k] = set[k - 1] + 1;
    }
  }
  for (uint32_t j = 0; j < parties; ++j) {
    p.dealT.push_back(makeDealing(p, j, p.t));
    p.deal2T.push_back(makeDealing(p, j, 2 * p.t));
  }
  return p;
}

} // namespace smpc::shamir

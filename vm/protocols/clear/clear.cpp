//===- clear.cpp - plaintext implementations of the interactive ops -------===//
#include "vm/protocols/clear/clear.h"

#include "vm/bytecode/cost.h"
#include "vm/core/errors.h"
#include "vm/crypto/perm.h"
#include "vm/crypto/prg.h"

#include <algorithm>
#include <sodium.h>
#include <vector>

namespace smpc::vm {

void ClearProtocol::classify(std::span<const uint64_t> p, std::span<Share> out) {
  std::copy(p.begin(), p.end(), out.begin());
}

void ClearProtocol::addPublic(std::span<const Share> s, std::span<const uint64_t> p,
                              std::span<Share> out) {
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = s[i] + p[i];
}

void ClearProtocol::runGroup(std::span<InteractiveOp> ops) {
  uint32_t rounds = 0;
  for (InteractiveOp &op : ops) {
    runOne(op);
    rounds = std::max(rounds, bc::opRounds(op.op, simulatedParties));
    bc::OpShape shape;
    shape.len = op.out.size();
    shape.m = op.m;
    shape.k = op.k;
    shape.n = op.n;
    shape.recipients = op.recipients;
    shape.owner = op.owner;
    shape.width = op.width;
    if (op.op == bc::Op::OutputS) shape.len = op.x.size();
    bc::OpCost c = bc::opCost(op.op, shape, simulatedParties);
    // Bytes per simulated party; the busiest party's total is reported, as
    // `smpcc cost` does (semi2k's parties do not all send the same).
    sent_.resize(std::max<uint32_t>(simulatedParties, 1));
    for (uint32_t p = 0; p < simulatedParties; ++p)
      sent_[p] += bc::opBytesSent(op.op, shape, simulatedParties, p);
    st.bytesSent = *std::max_element(sent_.begin(), sent_.end());
    st.material.add(c.material);
  }
  st.rounds += rounds;
}

std::string ClearProtocol::rangeProblem(const InteractiveOp &op, uint32_t fracBits) const {
  // Truncation is the one operation whose secure versions are correct on part
  // of the ring only (|x| < 2^62) for every input a program can give it;
  // products wrap and comparisons are exact everywhere under every protocol,
  // so clear agrees with them there. (bit.s has a precondition too, but its
  // callers guarantee it and its tests run it outside.)
  if (op.op != bc::Op::TruncS) return {};
  constexpr int64_t kLimit = int64_t(1) << 62;
  for (uint64_t w : op.x) {
    const int64_t v = static_cast<int64_t>(w);
    if (v >= kLimit || v < -kLimit) {
      // In the program's terms: a product of two fix values (a shift by
      // f) must stay below 2^(62 - 2f).
      const std::string real = fracBits <= 31 ? "2^" + std::to_string(62 - 2 * int(fracBits)) : "1";
      return "a fixed-point value is too large for the secure protocols: a truncation input "
             "must stay below 2^62 in ring units (a product |a * b| < " +
             real + " with " + std::to_string(fracBits) +
             " fractional bits), or semi2k, rep3 and shamir return a wrong value";
    }
  }
  return {};
}

void ClearProtocol::runOne(InteractiveOp &op) {
  const size_t n = op.out.size();
  switch (op.op) {
  case bc::Op::MulSS:
    for (size_t i = 0; i < n; ++i)
      op.out[i] = op.x[i] * op.y[i];
    return;
  case bc::Op::TruncS:
    for (size_t i = 0; i < n; ++i)
      op.out[i] = uint64_t(int64_t(op.x[i]) >> op.shift);
    return;
  case bc::Op::MatMulSS:
    std::fill(op.out.begin(), op.out.end(), 0);
    for (uint32_t i = 0; i < op.m; ++i)
      for (uint32_t k = 0; k < op.k; ++k) {
        const uint64_t a = op.x[size_t(i) * op.k + k];
        for (uint32_t j = 0; j < op.n; ++j)
          op.out[size_t(i) * op.n + j] += a * op.y[size_t(k) * op.n + j];
      }
    return;
  case bc::Op::LtzS:
    for (size_t i = 0; i < n; ++i)
      op.out[i] = int64_t(op.x[i]) < 0 ? 1 : 0;
    return;
  case bc::Op::EqzS:
    for (size_t i = 0; i < n; ++i)
      op.out[i] = op.x[i] == 0 ? 1 : 0;
    return;
  case bc::Op::BitS:
    for (size_t i = 0; i < n; ++i)
      op.out[i] = (op.x[i] >> op.shift) & 1;
    return;
  case bc::Op::ShuffleS: {
    // The secure protocols' derivation (Fisher-Yates from PRG words) on a
    // PRG freshly seeded from libsodium: one system call per shuffle, where
    // a randombytes_uniform per row made one per row.
    const size_t w = op.width, rows = n / w;
    std::vector<uint32_t> perm(rows);
    std::vector<uint64_t> words(crypto::kPermWordsPerElem * rows);
    crypto::Prg prg(crypto::seed_keygen());
    prg.fill(std::span<uint64_t>(words));
    crypto::perm_from_words(words, perm);
    sodium_memzero(words.data(), words.size() * sizeof(uint64_t));
    for (size_t r = 0; r < rows; ++r)
      std::copy_n(op.x.begin() + perm[r] * w, w, op.out.begin() + r * w);
    return;
  }
  case bc::Op::Open:
  case bc::Op::OutputS:
    std::copy(op.x.begin(), op.x.end(), op.out.begin());
    op.receives = true;
    return;
  case bc::Op::Input:
    if (op.x.size() != n)
      throw ProtocolError("clear protocol: input of party " + std::to_string(op.owner) +
                          " was not provided");
    std::copy(op.x.begin(), op.x.end(), op.out.begin());
    return;
    // clang-format off
#include "vm/bytecode/noninteractive_cases.inc"
    // clang-format on
    break;
  }
  throw ProtocolError("clear protocol: instruction is not interactive");
}

} // namespace smpc::vm

//===- rows.cpp - secret permutations of rows -----------------------------===//
#include "vm/protocols/hm/rows.h"

#include "vm/crypto/perm.h"
#include "vm/protocols/common/words.h"

#include <algorithm>
#include <sodium.h>

namespace smpc::hm {

std::vector<uint32_t> drawPerm(crypto::Prg &prg, size_t rows) {
  protocols::Words words = protocols::Words::uninit(crypto::kPermWordsPerElem * rows);
  prg.fill(words.span());
  std::vector<uint32_t> perm(rows);
  crypto::perm_from_words(words.span(), perm);
  return perm;
}

void permuteRows(std::span<const uint32_t> perm, const uint64_t *src, uint64_t *dst, size_t width) {
  for (size_t r = 0; r < perm.size(); ++r)
    std::copy_n(src + size_t(perm[r]) * width, width, dst + r * width);
}

void wipePerm(std::vector<uint32_t> &perm) {
  if (!perm.empty()) sodium_memzero(perm.data(), perm.size() * sizeof(uint32_t));
}

} // namespace smpc::hm

//===- bits.h - bit slicing, shared with the other protocols --------------===//
#pragma once

#include "vm/protocols/common/bits.h"

namespace smpc::hm {

using protocols::laneMask;
using protocols::sliceBits;
using protocols::transpose64;
using protocols::wordsFor;

} // namespace smpc::hm

//===- exchange.h - semi2k uses the shared round exchange -----------------===//
#pragma once

#include "vm/protocols/common/exchange.h"

namespace smpc::semi2k {

using protocols::Exchange;
using protocols::sumOpened;
using protocols::sumOpenedInPlace;
using protocols::xorOpened;
using protocols::xorOpenedInPlace;

} // namespace smpc::semi2k

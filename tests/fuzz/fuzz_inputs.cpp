//===- fuzz_inputs.cpp - libFuzzer: CSV and JSON input files --------------===//
//
// Any bytes as an input data file through data::readInputBytes, as
// `smpc run --input` reads it. Byte 0 chooses the format (bit 0: JSON),
// the element type (bits 1-2), the number of dimensions (bits 3-4),
// whether the shape is declared (bit 5; byte 1 holds rows - 1 | (cols - 1) << 4)
// and whether only the shape is kept (bit 6). A DataError is the expected
// refusal; any other exception, a crash, a hang or unbounded memory is a
// finding. An accepted file must hold exactly what its shape says.
//===----------------------------------------------------------------------===//
#include "runtime/data/inputs.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>

using namespace smpc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  const uint8_t mode = data[0], n = data[1];
  data::InputSpec spec;
  spec.name = "x";
  const bc::ElemType elems[] = {bc::ElemType::Int, bc::ElemType::Fix, bc::ElemType::Bool,
                                bc::ElemType::Fix};
  spec.elem = elems[mode >> 1 & 3];
  spec.fracBits = (mode & 6) == 6 ? 40 : 16;
  spec.ndims = uint8_t((mode >> 3 & 3) % 3);
  if (mode & 32) {
    data::Dims d;
    // Declared sizes are at least 1: the compiler refuses an array of size 0.
    if (spec.ndims >= 1) d.push_back(1 + (n & 15));
    if (spec.ndims == 2) d.push_back(1 + (n >> 4));
    spec.expect = d;
  }
  spec.keepValues = !(mode & 64);
  const std::string path = (mode & 1) ? "in.json" : "in.csv";
  std::string_view bytes(reinterpret_cast<const char *>(data + 2), size - 2);
  try {
    data::InputData out = data::readInputBytes(spec, bytes, path);
    uint64_t count = 1;
    for (uint64_t d : out.dims)
      count *= d;
    if (out.dims.size() != spec.ndims || (spec.keepValues && out.values.size() != count) ||
        (spec.expect && out.dims != *spec.expect)) {
      std::fprintf(stderr, "fuzz_inputs: accepted data does not have its shape\n");
      std::abort();
    }
  } catch (const data::DataError &) {
  }
  return 0;
}

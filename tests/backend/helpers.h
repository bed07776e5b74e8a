//===- helpers.h - building small IR modules by hand for the tests ---------===//
#pragma once

#include "compiler/ir/builder.h"
#include "compiler/ir/ir.h"

namespace smpc::testing {

using namespace ir;

inline Type sfix(uint32_t n = 0) {
  return n ? vectorType(Vis::Secret, bc::ElemType::Fix, n)
           : scalarType(Vis::Secret, bc::ElemType::Fix);
}
inline Type sint(uint32_t n = 0) {
  return n ? vectorType(Vis::Secret, bc::ElemType::Int, n)
           : scalarType(Vis::Secret, bc::ElemType::Int);
}
inline Type pint(uint32_t n = 0) {
  return n ? vectorType(Vis::Public, bc::ElemType::Int, n)
           : scalarType(Vis::Public, bc::ElemType::Int);
}
inline Type pbool() {
  return scalarType(Vis::Public, bc::ElemType::Bool);
}

/// A module with an empty main and the given secret inputs (owned by party 0)
/// and secret outputs (to all), each a vector of `len` ints (len 1: scalar).
struct TestModule {
  Module m;

  explicit TestModule(std::vector<uint32_t> inputLens = {}, std::vector<uint32_t> outputLens = {}) {
    m.functions.emplace_back();
    m.functions[0].name = "main";
    for (size_t i = 0; i < inputLens.size(); ++i) {
      bc::IoEntry e;
      e.name = "in";
      e.name += std::to_string(i);
      e.ndims = inputLens[i] > 1 ? 1 : 0;
      e.rows = inputLens[i];
      m.inputs.push_back(e);
    }
    for (size_t i = 0; i < outputLens.size(); ++i) {
      bc::IoEntry e;
      e.name = "out";
      e.name += std::to_string(i);
      e.ndims = outputLens[i] > 1 ? 1 : 0;
      e.rows = outputLens[i];
      m.outputs.push_back(e);
    }
  }
  Function &fn() { return m.functions[m.mainIndex]; }
  Builder builder() { return Builder(fn(), fn().body); }
};

} // namespace smpc::testing

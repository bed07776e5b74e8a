//===- types.h - static types of the checker: visibility, element, shape --===//
#pragma once

#include "compiler/ir/ir.h"

#include <optional>
#include <string>

namespace smpc::sema {

/// A checked type. `poison` marks the type of an expression that already
/// produced an error, so that later checks stay quiet about it.
struct Ty {
  Ty() = default;
  explicit Ty(const ir::Type &tt) : t(tt) {}
  ir::Type t;
  bool poison = false;
  bool isVoid = false;

  static Ty error() {
    Ty x;
    x.poison = true;
    return x;
  }
  static Ty voidTy() {
    Ty x;
    x.isVoid = true;
    return x;
  }
  static Ty scalar(ir::Vis v, bc::ElemType e) {
    Ty x;
    x.t.vis = v;
    x.t.elem = e;
    return x;
  }
  bool secret() const { return t.vis == ir::Vis::Secret; }
  bool isScalar() const { return t.ndims == 0; }
  bc::ElemType elem() const { return t.elem; }
  Ty withElem(bc::ElemType e) const {
    Ty x = *this;
    x.t.elem = e;
    return x;
  }
  Ty withVis(ir::Vis v) const {
    Ty x = *this;
    x.t.vis = v;
    return x;
  }
  Ty asScalar() const {
    Ty x = *this;
    x.t.ndims = 0;
    x.t.rows = x.t.cols = 1;
    return x;
  }
  Ty withShape(const Ty &shape) const {
    Ty x = *this;
    x.t.ndims = shape.t.ndims;
    x.t.rows = shape.t.rows;
    x.t.cols = shape.t.cols;
    return x;
  }
  bool sameShape(const Ty &o) const {
    return t.ndims == o.t.ndims && t.rows == o.t.rows && t.cols == o.t.cols;
  }
};

/// Element-type name as written in source: "sint", "fix", ...
std::string elemName(ir::Vis v, bc::ElemType e);
/// Full type name: "sfix[3]", "int[2, 2]", "sbool".
std::string typeName(const Ty &t);
/// Shape only: "scalar", "[3]", "[2, 2]".
std::string shapeName(const Ty &t);
/// Parses an element-type name; nullopt when `name` is not one.
std::optional<Ty> elemFromName(const std::string &name);

} // namespace smpc::sema

//===- types.cpp - names of checker types ---------------------------------===//
#include "compiler/sema/types.h"

namespace smpc::sema {

std::string elemName(ir::Vis v, bc::ElemType e) {
  std::string out = v == ir::Vis::Secret ? "s" : "";
  out += e == bc::ElemType::Int ? "int" : e == bc::ElemType::Fix ? "fix" : "bool";
  return out;
}

std::string shapeName(const Ty &t) {
  if (t.t.ndims == 0) return "scalar";
  // Appending (rather than "[" + ...) avoids a GCC 12 -Wrestrict false positive.
  std::string out = "[";
  out += std::to_string(t.t.rows);
  if (t.t.ndims == 2) {
    out += ", ";
    out += std::to_string(t.t.cols);
  }
  out += "]";
  return out;
}

std::string typeName(const Ty &t) {
  if (t.poison) return "<error>";
  if (t.isVoid) return "nothing";
  std::string s = elemName(t.t.vis, t.t.elem);
  if (t.t.ndims != 0) s += shapeName(t);
  return s;
}

std::optional<Ty> elemFromName(const std::string &name) {
  using bc::ElemType;
  using ir::Vis;
  if (name == "sint") return Ty::scalar(Vis::Secret, ElemType::Int);
  if (name == "sfix") return Ty::scalar(Vis::Secret, ElemType::Fix);
  if (name == "sbool") return Ty::scalar(Vis::Secret, ElemType::Bool);
  if (name == "int") return Ty::scalar(Vis::Public, ElemType::Int);
  if (name == "fix") return Ty::scalar(Vis::Public, ElemType::Fix);
  if (name == "bool") return Ty::scalar(Vis::Public, ElemType::Bool);
  return std::nullopt;
}

} // namespace smpc::sema

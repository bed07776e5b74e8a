//===- types.cpp - names of checker types ---------------------------------===//
#include "compiler/sema/types.h"

namespace smpc::sema {

std::string elemName(ir::Vis v, bc::ElemType e) {
  std::string base = e == bc::ElemType::Int ? "int" : e == bc::ElemType::Fix ? "fix" : "bool";
  return v == ir::Vis::Secret ? "s" + base : base;
}

std::string shapeName(const Ty &t) {
  if (t.t.ndims == 0)
    return "scalar";
  if (t.t.ndims == 1)
    return "[" + std::to_string(t.t.rows) + "]";
  return "[" + std::to_string(t.t.rows) + ", " + std::to_string(t.t.cols) + "]";
}

std::string typeName(const Ty &t) {
  if (t.poison)
    return "<error>";
  if (t.isVoid)
    return "nothing";
  std::string s = elemName(t.t.vis, t.t.elem);
  return t.t.ndims == 0 ? s : s + shapeName(t);
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

}  // namespace smpc::sema

//===- serialize.cpp - .smpcb encoder and bounds-checked decoder ----------===//
//
// The decoder trusts nothing: every count is checked against the bytes left
// (and against limits.h) before anything is allocated; readProgram then runs
// the full verifier. Layout: docs/bytecode.md.
//===----------------------------------------------------------------------===//
#include "vm/bytecode/serialize.h"

#include "vm/bytecode/limits.h"

#include <cstring>

namespace smpc::bc {

namespace {

class Writer {
public:
  void u8(uint8_t v) { buf.push_back(v); }
  void u16(uint16_t v) { put(v, 2); }
  void u32(uint32_t v) { put(v, 4); }
  void u64(uint64_t v) { put(v, 8); }
  void str(const std::string &s) {
    u32(static_cast<uint32_t>(s.size()));
    buf.insert(buf.end(), s.begin(), s.end());
  }
  std::vector<uint8_t> buf;

private:
  void put(uint64_t v, int n) {
    for (int i = 0; i < n; ++i)
      buf.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
};

// Thrown only inside this file and caught by readProgram.
struct DecodeError {
  std::string msg;
};

class Reader {
public:
  explicit Reader(std::span<const uint8_t> b) : bytes(b) {}
  size_t left() const { return bytes.size() - pos; }
  uint32_t peekU32() const {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= uint32_t(bytes[pos + i]) << (8 * i);
    return v;
  }
  uint8_t u8(const char *what) { return static_cast<uint8_t>(get(1, what)); }
  uint16_t u16(const char *what) { return static_cast<uint16_t>(get(2, what)); }
  uint32_t u32(const char *what) { return static_cast<uint32_t>(get(4, what)); }
  uint64_t u64(const char *what) { return get(8, what); }
  /// A count of items each at least `minBytes` long, bounded by `limit`.
  uint32_t count(const char *what, uint64_t minBytes, uint64_t limit) {
    uint32_t n = u32(what);
    if (n > limit)
      fail(std::string(what) + " is " + std::to_string(n) + ", above the limit of " +
           std::to_string(limit));
    if (uint64_t(n) * minBytes > left())
      fail(std::string(what) + " is " + std::to_string(n) + " but the file ends too soon");
    return n;
  }
  std::string str(const char *what) {
    uint32_t n = count(what, 1, kMaxStringLen);
    std::string s(reinterpret_cast<const char *>(bytes.data() + pos), n);
    pos += n;
    return s;
  }
  [[noreturn]] void fail(const std::string &m) {
    throw DecodeError{"at byte " + std::to_string(pos) + ": " + m};
  }

private:
  uint64_t get(int n, const char *what) {
    if (left() < size_t(n)) fail(std::string("file truncated while reading ") + what);
    uint64_t v = 0;
    for (int i = 0; i < n; ++i)
      v |= uint64_t(bytes[pos + i]) << (8 * i);
    pos += n;
    return v;
  }
  std::span<const uint8_t> bytes;
  size_t pos = 0;
};

void writeIo(Writer &w, const IoEntry &e) {
  w.str(e.name);
  w.u8(static_cast<uint8_t>(e.elem));
  w.u8(e.secret ? 1 : 0);
  w.u8(e.ndims);
  w.u32(e.rows);
  w.u32(e.cols);
  w.u32(e.party);
  w.u32(static_cast<uint32_t>(e.recipients.size()));
  for (uint32_t r : e.recipients)
    w.u32(r);
}

IoEntry readIo(Reader &r) {
  IoEntry e;
  e.name = r.str("io entry name length");
  uint8_t elem = r.u8("io element type");
  if (elem > static_cast<uint8_t>(ElemType::Bool))
    r.fail("io entry '" + e.name + "' has unknown element type " + std::to_string(elem));
  e.elem = static_cast<ElemType>(elem);
  uint8_t secret = r.u8("io secret flag");
  if (secret > 1) r.fail("io entry '" + e.name + "' has secret flag " + std::to_string(secret));
  e.secret = secret == 1;
  e.ndims = r.u8("io dimension count");
  e.rows = r.u32("io rows");
  e.cols = r.u32("io cols");
  e.party = r.u32("io party");
  uint32_t n = r.count("io recipient count", 4, kMaxParties);
  e.recipients.resize(n);
  for (auto &p : e.recipients)
    p = r.u32("io recipient");
  return e;
}

} // namespace

std::vector<uint8_t> writeProgram(const Program &p) {
  Writer w;
  w.u32(kMagic);
  w.u16(p.version);
  w.u8(p.ringBits);
  w.u8(p.fracBits);
  w.u32(p.minParties);
  w.u32(static_cast<uint32_t>(p.sregLen.size()));
  for (uint32_t l : p.sregLen)
    w.u32(l);
  w.u32(static_cast<uint32_t>(p.pregLen.size()));
  for (uint32_t l : p.pregLen)
    w.u32(l);
  w.u32(static_cast<uint32_t>(p.consts.size()));
  for (const auto &c : p.consts) {
    w.u32(static_cast<uint32_t>(c.size()));
    for (uint64_t v : c)
      w.u64(v);
  }
  w.u32(static_cast<uint32_t>(p.inputs.size()));
  for (const auto &e : p.inputs)
    writeIo(w, e);
  w.u32(static_cast<uint32_t>(p.outputs.size()));
  for (const auto &e : p.outputs)
    writeIo(w, e);
  w.u32(static_cast<uint32_t>(p.code.size()));
  for (const Instr &in : p.code) {
    w.u16(static_cast<uint16_t>(in.op));
    const OperandList &ops = info(in.op).operands;
    for (size_t k = 0; k < ops.size(); ++k) {
      if (encodedBytes(ops[k]) == 8)
        w.u64(static_cast<uint64_t>(in.a[k]));
      else
        w.u32(static_cast<uint32_t>(in.a[k]));
    }
  }
  const PreprocNeeds &n = p.needs;
  w.u8(static_cast<uint8_t>(kNumMaterials));
  for (Material k : kAllMaterials)
    w.u64(n.material[k]);
  w.u64(n.rounds);
  w.u8(static_cast<uint8_t>(n.precision));
  w.u32(static_cast<uint32_t>(p.files.size()));
  for (const auto &f : p.files)
    w.str(f);
  w.u32(static_cast<uint32_t>(p.srcmap.size()));
  for (const SourceLoc &l : p.srcmap) {
    w.u32(l.file);
    w.u32(l.line);
    w.u32(l.col);
  }
  return std::move(w.buf);
}

static void decode(Reader &r, Program &p) {
  if (r.left() >= 4 && r.peekU32() != kMagic)
    r.fail("not an smpc bytecode file (bad magic number)");
  r.u32("magic");
  p.version = r.u16("version");
  if (p.version != kVersion)
    r.fail("bytecode version " + std::to_string(p.version) + " is not supported (expected " +
           std::to_string(kVersion) + "); recompile the program");
  p.ringBits = r.u8("ring bits");
  p.fracBits = r.u8("fraction bits");
  p.minParties = r.u32("party count");
  uint64_t regElems = 0;
  for (auto *bank : {&p.sregLen, &p.pregLen}) {
    uint32_t n = r.count("register count", 4, kMaxRegisters);
    bank->resize(n);
    for (auto &l : *bank) {
      l = r.u32("register length");
      if (l > kMaxVectorLen)
        r.fail("register length " + std::to_string(l) + " is above the limit of " +
               std::to_string(kMaxVectorLen));
      regElems += l;
    }
  }
  if (regElems > kMaxRegisterElems)
    r.fail("registers need " + std::to_string(regElems) +
           " elements in total, above the limit of " + std::to_string(kMaxRegisterElems));
  uint32_t nc = r.count("constant count", 4, kMaxRegisters);
  p.consts.resize(nc);
  uint64_t constElems = 0;
  for (auto &c : p.consts) {
    uint32_t len = r.count("constant length", 8, kMaxVectorLen);
    constElems += len;
    if (constElems > kMaxConstElems)
      r.fail("constants exceed the limit of " + std::to_string(kMaxConstElems) + " elements");
    c.resize(len);
    for (auto &v : c)
      v = r.u64("constant value");
  }
  for (auto *tab : {&p.inputs, &p.outputs}) {
    uint32_t n = r.count("io table size", 4 + 3 + 16, kMaxIoEntries);
    tab->reserve(n);
    for (uint32_t i = 0; i < n; ++i)
      tab->push_back(readIo(r));
  }
  uint32_t ncode = r.count("instruction count", 2, kMaxInstructions);
  p.code.resize(ncode);
  for (uint32_t i = 0; i < ncode; ++i) {
    uint16_t op = r.u16("opcode");
    if (op >= kNumOps)
      r.fail("instruction " + std::to_string(i) + " has unknown opcode " + std::to_string(op));
    Instr &in = p.code[i];
    in.op = static_cast<Op>(op);
    const OperandList &ops = info(in.op).operands;
    for (size_t k = 0; k < ops.size(); ++k)
      in.a[k] = encodedBytes(ops[k]) == 8 ? static_cast<int64_t>(r.u64("operand"))
                                          : static_cast<int64_t>(r.u32("operand"));
  }
  PreprocNeeds &n = p.needs;
  const uint8_t kinds = r.u8("preprocessing material count");
  if (kinds != kNumMaterials)
    r.fail("the program counts " + std::to_string(kinds) + " kinds of preprocessing material, " +
           "this VM knows " + std::to_string(kNumMaterials) + "; recompile the program");
  for (Material k : kAllMaterials)
    n.material[k] = r.u64("preprocessing needs");
  n.rounds = r.u64("preprocessing needs");
  const uint8_t prec = r.u8("preprocessing precision");
  if (prec > static_cast<uint8_t>(NeedsPrecision::UpperBound))
    r.fail("preprocessing precision is " + std::to_string(prec));
  n.precision = static_cast<NeedsPrecision>(prec);
  uint32_t nf = r.count("source file count", 4, kMaxFiles);
  p.files.reserve(nf);
  for (uint32_t i = 0; i < nf; ++i)
    p.files.push_back(r.str("source file name length"));
  uint32_t ns = r.count("source map size", 12, kMaxInstructions);
  p.srcmap.resize(ns);
  for (auto &l : p.srcmap) {
    l.file = r.u32("source map file");
    l.line = r.u32("source map line");
    l.col = r.u32("source map column");
  }
  if (r.left() != 0)
    r.fail(std::to_string(r.left()) + " unexpected bytes after the end of the program");
}

bool readProgram(std::span<const uint8_t> bytes, Program &out, std::string &error) {
  Program p;
  Reader r(bytes);
  try {
    decode(r, p);
  } catch (const DecodeError &e) {
    error = "malformed bytecode " + e.msg;
    return false;
  } catch (const std::bad_alloc &) {
    error = "malformed bytecode: out of memory while loading";
    return false;
  }
  error = verifyProgram(p);
  if (!error.empty()) {
    error = "invalid bytecode: " + error;
    return false;
  }
  out = std::move(p);
  return true;
}

} // namespace smpc::bc

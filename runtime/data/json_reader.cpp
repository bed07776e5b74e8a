//===- json_reader.cpp - stream a JSON file into an input (SAX) ----------===//
//
// nlohmann's SAX parser hands over one value at a time; numbers keep their
// text, so they go through the same exact decimal parser as CSV fields. A
// scalar is a number (or true/false), a vector a flat array, a matrix an
// array of arrays. The shape is checked at each event and the parse stops
// at the first problem.
//===----------------------------------------------------------------------===//
#include "runtime/data/reader.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace smpc::data::detail {

namespace {

using json = nlohmann::json;

class JsonShape : public nlohmann::json_sax<json> {
public:
  explicit JsonShape(Values &v) : v_(v), ndims_(v.spec().ndims), known_(v.spec().expect) {}

  InputData finish() {
    const uint64_t n = v_.count();
    if (ndims_ == 1 && known_ && n != v_.expectRows())
      v_.fail(0,
              "expected " + v_.shapeName() + " but the file has " + plural(n, "value", "values"));
    if (ndims_ == 2 && known_ && rows_ != v_.expectRows())
      v_.fail(0,
              "expected " + v_.shapeName() + " but the file has " + plural(rows_, "row", "rows"));
    if (ndims_ == 0) return v_.take({});
    if (ndims_ == 1) return v_.take({n});
    return v_.take({rows_, rows_ ? firstRowCols_ : 0});
  }

  // Values: text is the number as written, or "" for a non-number.
  bool null() override { return scalar("", ValueKind::Other); }
  bool boolean(bool b) override { return scalar(b ? "1" : "0", ValueKind::Bool); }
  bool number_integer(number_integer_t v) override { return integer(v < 0, uint64_t(v), v); }
  bool number_unsigned(number_unsigned_t v) override { return integer(false, v, 0); }
  bool number_float(number_float_t, const string_t &s) override {
    return scalar(s, ValueKind::Number);
  }
  bool string(string_t &) override { return scalar("", ValueKind::Other); }
  bool binary(binary_t &) override { return scalar("", ValueKind::Other); }
  bool start_object(std::size_t) override { return scalar("", ValueKind::Other); }
  bool key(string_t &) override { return true; }
  bool end_object() override { return true; }

  bool start_array(std::size_t) override {
    if (depth_ == 0) {
      if (ndims_ == 0) v_.fail(0, "expected a single value but the file has an array");
      depth_ = 1;
      return true;
    }
    if (depth_ == 2) v_.fail(0, "row " + std::to_string(rows_) + " nests deeper than a matrix");
    element(true);
    if (ndims_ == 1)
      v_.fail(0, "expected " + v_.shapeName() + " but the file has an array of arrays");
    if (known_ && rows_ == v_.expectRows())
      v_.fail(0, "expected " + v_.shapeName() + " but the file has more rows");
    ++rows_;
    col_ = 0;
    depth_ = 2;
    return true;
  }

  bool end_array() override {
    if (depth_ == 2) {
      const uint64_t cols = known_ ? v_.expectCols() : firstRowCols_;
      if ((known_ || rows_ > 1) && col_ < cols)
        v_.fail(0, "row " + std::to_string(rows_) + " has " + plural(col_, "value", "values") +
                       ", expected " + std::to_string(cols));
      if (rows_ == 1) firstRowCols_ = col_;
    }
    --depth_;
    return true;
  }

  bool parse_error(std::size_t position, const std::string &,
                   const nlohmann::detail::exception &ex) override {
    // 406: a number too large for a double; the same value in CSV is out of range.
    if (ex.id == 406) scalar(std::string(400, '9'), ValueKind::Number);
    v_.fail(0, "the file is not valid JSON (byte " + std::to_string(position) + ")");
  }

private:
  enum class ValueKind { Number, Bool, Other };

  bool integer(bool neg, uint64_t magnitudeOrBits, int64_t v) {
    char buf[24];
    auto r = neg ? std::to_chars(buf, buf + sizeof buf, v)
                 : std::to_chars(buf, buf + sizeof buf, magnitudeOrBits);
    return scalar(std::string_view(buf, size_t(r.ptr - buf)), ValueKind::Number);
  }

  // Counts an element of the top-level array; arrays and single values may
  // not mix at that level.
  void element(bool isArray) {
    ++elems_;
    if (elems_ == 1) nested_ = isArray;
    if (nested_ != isArray)
      v_.fail(0, "mixes arrays and single values at the same level (element " +
                     std::to_string(elems_) + ")");
  }

  bool scalar(std::string_view text, ValueKind kind) {
    // How an error names the value; the text is built on failure only.
    enum class At { Single, Element, Cell } at = At::Single;
    if (depth_ == 0) {
      if (ndims_ != 0)
        v_.fail(0, "expected " + v_.shapeName() + " but the file has a single value");
      at = At::Single;
    } else if (depth_ == 1) {
      element(false);
      if (ndims_ == 2) v_.fail(0, "expected " + v_.shapeName() + " but the file has a flat array");
      if (known_ && v_.count() == v_.expectRows())
        v_.fail(0, "expected " + v_.shapeName() + " but the file has more (value " +
                       std::to_string(v_.count() + 1) + ")");
      v_.checkRoom(0);
      at = At::Element;
    } else {
      ++col_;
      const uint64_t cols = known_ ? v_.expectCols() : firstRowCols_;
      if ((known_ || rows_ > 1) && col_ > cols)
        v_.fail(0, "row " + std::to_string(rows_) + " has more than " +
                       plural(cols, "value", "values"));
      v_.checkRoom(0);
      at = At::Cell;
    }
    // A boolean is a value of a bool input only; anything but a number or
    // a boolean is nobody's value: let the type's own message say so.
    const bc::ElemType elem = v_.spec().elem;
    if (kind == ValueKind::Other || (kind == ValueKind::Bool && elem != bc::ElemType::Bool))
      text = "?";
    v_.add(text, 0, [&]() -> std::string {
      if (at == At::Single) return "value 1";
      if (at == At::Element) return "value " + std::to_string(elems_);
      return "row " + std::to_string(rows_) + ", value " + std::to_string(col_);
    });
    return true;
  }

  Values &v_;
  const uint8_t ndims_;
  const bool known_;
  int depth_ = 0;
  uint64_t elems_ = 0, rows_ = 0, col_ = 0, firstRowCols_ = 0;
  bool nested_ = false;
};

} // namespace

InputData readJsonStream(Values &values, std::istream &in) {
  JsonShape shape(values);
  json::sax_parse(in, &shape);
  return shape.finish();
}

InputData readJsonBytes(Values &values, std::string_view bytes) {
  JsonShape shape(values);
  json::sax_parse(bytes, &shape);
  return shape.finish();
}

} // namespace smpc::data::detail

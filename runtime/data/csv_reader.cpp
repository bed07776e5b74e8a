//===- csv_reader.cpp - stream a CSV file into an input, checking its shape ===//
//
// Fields are split on commas and newlines as the bytes arrive (1 MiB at a
// time); a field crossing a chunk boundary is carried over, and no field may
// exceed kMaxValueChars, so memory is the encoded values plus one chunk.
// Blank lines are skipped; spaces, tabs and CR around a field are trimmed; a
// UTF-8 byte-order mark at the start is skipped. Layouts: a scalar is one
// value; a vector one value per line or one comma-separated line; a matrix
// one line per row.
//===----------------------------------------------------------------------===//
#include "runtime/data/reader.h"
#include "vm/bytecode/limits.h"

#include <algorithm>
#include <cstring>
#include <memory>

namespace smpc::data::detail {

namespace {

std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r'))
    ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
    --e;
  return s.substr(b, e - b);
}

class CsvShape {
public:
  explicit CsvShape(Values &v) : v_(v), ndims_(v.spec().ndims), known_(v.spec().expect) {}

  // One field of the current line; `last` when a newline or the end of the
  // file ends it.
  void field(std::string_view raw, bool last, bool tooLong) {
    if (line_ == 1 && field_ == 0) raw = skipByteOrderMark(raw);
    std::string_view text = trim(raw);
    if (field_ == 0 && last && text.empty() && !tooLong) { // a blank line
      ++line_;
      return;
    }
    ++field_;
    checkShape();
    if (tooLong)
      v_.fail(line_, "field " + std::to_string(field_) + " " + describe(ValueError::TooLong, 0));
    v_.add(text, line_, [this] { return fieldName(); });
    if (last) endLine();
  }

  InputData finish() {
    const uint64_t n = v_.count();
    switch (ndims_) {
    case 0:
      if (n == 0) v_.fail(0, "expected a single value but the file has 0 values");
      return v_.take({});
    case 1:
      if (known_ && n != v_.expectRows())
        v_.fail(0,
                "expected " + v_.shapeName() + " but the file has " + plural(n, "value", "values"));
      return v_.take({n});
    default:
      if (known_ && rows_ != v_.expectRows())
        v_.fail(0,
                "expected " + v_.shapeName() + " but the file has " + plural(rows_, "row", "rows"));
      return v_.take({rows_, rows_ ? firstLineFields_ : 0});
    }
  }

private:
  std::string fieldName() const { return "field " + std::to_string(field_); }

  std::string_view skipByteOrderMark(std::string_view s) {
    if (s.substr(0, 3) == "\xEF\xBB\xBF") return s.substr(3);
    if (s.substr(0, 2) == "\xFF\xFE" || s.substr(0, 2) == "\xFE\xFF")
      v_.fail(0, "the file is UTF-16 text; save it as UTF-8 (\"CSV UTF-8\" in a spreadsheet)");
    return s;
  }

  // Before the value at (line_, field_) is taken.
  void checkShape() {
    const uint64_t n = v_.count();
    if (ndims_ == 0) {
      if (n == 1) v_.fail(line_, "expected a single value but the file has more");
      return;
    }
    if (ndims_ == 1) {
      const bool severalOnFirst = rows_ > 0 && firstLineFields_ > 1;
      if ((rows_ > 0 && field_ > 1) || (severalOnFirst && field_ == 1))
        v_.fail(line_, "a vector is one value per line or one comma-separated line, but this "
                       "file has several lines and several values on a line");
      if (known_ && n == v_.expectRows())
        v_.fail(line_, "expected " + v_.shapeName() +
                           " but the file has more (this line holds the " + ordinal(n + 1) + ")");
      v_.checkRoom(line_);
      return;
    }
    // A matrix: one line per row.
    if (field_ == 1 && known_ && rows_ == v_.expectRows())
      v_.fail(line_, "expected " + v_.shapeName() + " but the file has more rows");
    const uint64_t cols = known_ ? v_.expectCols() : firstLineFields_;
    if ((known_ || rows_ > 0) && field_ > cols)
      v_.fail(line_, "row " + std::to_string(rows_ + 1) + " has more than " +
                         plural(cols, "value", "values") +
                         (known_ ? "" : ", the length of row 1 (every row has as many values)"));
    v_.checkRoom(line_);
  }

  void endLine() {
    if (ndims_ == 2) {
      const uint64_t cols = known_ ? v_.expectCols() : firstLineFields_;
      if ((known_ || rows_ > 0) && field_ < cols)
        v_.fail(line_, "row " + std::to_string(rows_ + 1) + " has " +
                           plural(field_, "value", "values") + ", expected " +
                           std::to_string(cols) +
                           (known_ ? "" : " like row 1 (every row has as many values)"));
    }
    if (rows_ == 0) firstLineFields_ = field_;
    ++rows_;
    ++line_;
    field_ = 0;
  }

  Values &v_;
  const uint8_t ndims_;
  const bool known_;
  uint64_t line_ = 1, field_ = 0, rows_ = 0, firstLineFields_ = 0;
};

} // namespace

InputData readCsv(Values &values, const ReadFn &read, size_t bufSize) {
  CsvShape shape(values);
  // Not zeroed: read() fills what is used.
  const size_t size = std::max<size_t>(bufSize, 1);
  const auto buf = std::make_unique_for_overwrite<char[]>(size);
  std::string pending; // a field that crosses a chunk boundary
  bool pendingLong = false, open = false;
  while (size_t n = read(buf.get(), size)) {
    const char *p = buf.get(), *end = p + n;
    while (p < end) {
      const char *q = p;
      while (q < end && *q != ',' && *q != '\n')
        ++q;
      if (q == end) {
        if (pending.size() + size_t(q - p) > kMaxValueChars + 8)
          pendingLong = true;
        else
          pending.append(p, q);
        open = true;
        break;
      }
      if (pending.empty() && !pendingLong) {
        shape.field(std::string_view(p, size_t(q - p)), *q == '\n', false);
      } else {
        if (!pendingLong) pending.append(p, q);
        shape.field(pending, *q == '\n', pendingLong);
        pending.clear();
        pendingLong = false;
      }
      open = *q == ',';
      p = q + 1;
    }
  }
  if (open) shape.field(pending, true, pendingLong); // the last line has no newline
  return shape.finish();
}

} // namespace smpc::data::detail

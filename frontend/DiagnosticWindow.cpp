//===- DiagnosticWindow.cpp - Diagnostics that fit on a screen ------------===//

#include "frontend/DiagnosticWindow.h"

#include "llvm/ADT/StringExtras.h"
#include <algorithm>

using namespace llvm;

namespace inception {

DiagnosticWindowStream::DiagnosticWindowStream(raw_ostream &out, size_t width,
                                               size_t maxName)
    : raw_ostream(/*unbuffered=*/true), out(out), width(width),
      maxName(maxName) {}

DiagnosticWindowStream::~DiagnosticWindowStream() {
  if (held)
    emitMessageLine(*held);
  if (!current.empty())
    emitMessageLine(current), out << '\n';
  out.flush();
}

void DiagnosticWindowStream::write_impl(const char *ptr, size_t size) {
  position += size;
  for (const char *end = ptr + size; ptr != end; ++ptr) {
    if (*ptr != '\n') {
      current += *ptr;
      continue;
    }
    handleLine(std::move(current));
    current.clear();
  }
}

static bool isNameChar(char c) { return isAlnum(c) || c == '_' || c == '.'; }

void DiagnosticWindowStream::emitMessageLine(StringRef line) {
  size_t i = 0;
  while (i < line.size()) {
    if (!isNameChar(line[i])) {
      out << line[i++];
      continue;
    }
    size_t start = i;
    while (i < line.size() && isNameChar(line[i]))
      ++i;
    StringRef name = line.slice(start, i);
    if (name.size() <= maxName)
      out << name;
    else
      out << name.take_front(maxName / 2 - 2) << "..."
          << name.take_back(maxName / 2 - 2) << " (" << name.size()
          << " characters)";
  }
}

void DiagnosticWindowStream::handleLine(std::string line) {
  StringRef text(line);
  bool isCaretLine = !text.trim().empty() &&
                     text.find_first_not_of(" ^~") == StringRef::npos &&
                     text.contains('^');
  if (held) {
    std::string source = std::move(*held);
    held.reset();
    if (!isCaretLine) {
      emitMessageLine(source);
      out << '\n';
    } else {
      // The window: `width` columns around the caret, within the line.
      size_t caret = text.find('^');
      size_t begin = caret > width / 2 ? caret - width / 2 : 0;
      begin = std::min(begin, source.size() > width ? source.size() - width : 0);
      size_t end = std::min(source.size(), begin + width);
      StringRef cut = StringRef(source).slice(begin, end);
      StringRef before = begin ? "..." : "", after = end < source.size() ? "..." : "";
      out << before << cut << after << '\n';
      StringRef marks = text.drop_front(std::min(caret, text.size()))
                            .take_front(end > caret ? end - caret : 1);
      out.indent(before.size() + (caret - begin)) << marks.rtrim() << '\n';
      return;
    }
  }
  if (line.size() > width) {
    held = std::move(line);
    return;
  }
  emitMessageLine(line);
  out << '\n';
}

} // namespace inception

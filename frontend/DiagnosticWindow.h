//===- DiagnosticWindow.h - Diagnostics that fit on a screen ----*- C++ -*-===//
//
// A model whose source line is megabytes long (generated, or fuzzed) must
// not print megabytes of error: the diagnostic shows a window of the line
// around the caret, and names in the message shortened in the middle.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_FRONTEND_DIAGNOSTICWINDOW_H
#define INCEPTION_FRONTEND_DIAGNOSTICWINDOW_H

#include "llvm/Support/raw_ostream.h"
#include <optional>
#include <string>

namespace inception {

/// Forwards diagnostic text, as SourceMgr prints it (a message line, the
/// source line, a caret line), to `out`. A source line wider than `width`
/// columns shows only the `width` columns around its caret, with "..."
/// where it was cut, and the caret line moves with it. In other lines a
/// name (a run of letters, digits, '_' and '.') longer than `maxName` keeps
/// its start and end around "...".
class DiagnosticWindowStream : public llvm::raw_ostream {
public:
  explicit DiagnosticWindowStream(llvm::raw_ostream &out, size_t width = 160,
                                  size_t maxName = 64);
  ~DiagnosticWindowStream() override;

private:
  void write_impl(const char *ptr, size_t size) override;
  uint64_t current_pos() const override { return position; }
  void handleLine(std::string line);
  void emitMessageLine(llvm::StringRef line);

  llvm::raw_ostream &out;
  size_t width, maxName;
  uint64_t position = 0;
  std::string current;
  /// A wide line, held until the next shows whether it has a caret.
  std::optional<std::string> held;
};

} // namespace inception

#endif // INCEPTION_FRONTEND_DIAGNOSTICWINDOW_H

//===- ToolArguments.h - Command-line parsing of the runtime tools -*- C++ -*-===//
//
// inception-run and inception-bench link only the runtime (no LLVM), so
// they parse their few options by hand, the same way.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_TOOLS_TOOLARGUMENTS_H
#define INCEPTION_TOOLS_TOOLARGUMENTS_H

namespace inception {

/// Parses a whole non-negative decimal number no larger than `max`.
bool parseCount(const char *text, long long max, long long &value);

/// The value of option `flag` if argv[i] is it, as `--flag=VALUE` or
/// `--flag VALUE` (then `i` moves past the value); else null.
const char *flagValue(int argc, char **argv, int &i, const char *flag);

/// --help's lines for the flags both tools take: the input, and how the
/// library runs (weights, threads, device).
extern const char kInputFlagsHelp[];
extern const char kRunFlagsHelp[];

} // namespace inception

#endif // INCEPTION_TOOLS_TOOLARGUMENTS_H

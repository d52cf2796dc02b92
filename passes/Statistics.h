//===- Statistics.h - What the passes did, for reports ----------*- C++ -*-===//
//
// Every pass declares its statistics in Passes.td, but Pass::Statistic
// counts nothing in an LLVM built without LLVM_ENABLE_STATS, which is how
// Debian builds it. Passes therefore also record each count here, and the
// tools print the totals (`inceptionc --pass-stats`, `inception-opt
// --inception-stats`).
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_STATISTICS_H
#define INCEPTION_PASSES_STATISTICS_H

#include "mlir/Pass/Pass.h"

#include <string>
#include <vector>

namespace mlir::inception {

/// Adds `value` to `statistic` and to the process-wide total of
/// `<pass argument>.<name>`.
void recordStatistic(Pass &pass, Pass::Statistic &statistic,
                     llvm::StringRef name, uint64_t value);

/// Adds `value` to the total of `<group>.<name>`, for counts made outside a
/// pass (the driver's before/after op counts).
void recordStatistic(llvm::StringRef group, llvm::StringRef name,
                     uint64_t value);

/// Sets `<group>.<name>` to a line of text (a choice, not a count).
void recordStatisticText(llvm::StringRef group, llvm::StringRef name,
                         llvm::StringRef text);

struct StatisticTotal {
  std::string group, name;
  uint64_t value;
  /// Printed instead of the value where not empty.
  std::string text;
};

/// The totals so far, in the order they were first recorded.
std::vector<StatisticTotal> statisticTotals();

/// Replaces the totals (to forget what a trial compile recorded).
void setStatisticTotals(std::vector<StatisticTotal> totals);

/// Prints the totals as `group.name value` lines, aligned.
void printStatistics(llvm::raw_ostream &os);

} // namespace mlir::inception

#endif // INCEPTION_PASSES_STATISTICS_H

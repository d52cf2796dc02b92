//===- Statistics.cpp - What the passes did, for reports ------------------===//

#include "passes/Statistics.h"

#include "llvm/Support/Format.h"

#include <mutex>

namespace mlir::inception {
namespace {
struct Registry {
  std::mutex mutex;
  std::vector<StatisticTotal> totals;
};

Registry &registry() {
  static Registry instance;
  return instance;
}

/// The total of `<group>.<name>`, added (zero, no text) if new; the
/// registry's mutex held.
StatisticTotal &totalOf(Registry &r, llvm::StringRef group,
                        llvm::StringRef name) {
  for (StatisticTotal &total : r.totals)
    if (total.group == group && total.name == name)
      return total;
  r.totals.push_back({group.str(), name.str(), 0, {}});
  return r.totals.back();
}
} // namespace

void recordStatistic(llvm::StringRef group, llvm::StringRef name,
                     uint64_t value) {
  Registry &r = registry();
  // Function passes run on several threads at once.
  std::lock_guard<std::mutex> lock(r.mutex);
  totalOf(r, group, name).value += value;
}

void recordStatisticText(llvm::StringRef group, llvm::StringRef name,
                         llvm::StringRef text) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  totalOf(r, group, name).text = text.str();
}

void recordStatistic(Pass &pass, Pass::Statistic &statistic,
                     llvm::StringRef name, uint64_t value) {
  statistic += value;
  recordStatistic(pass.getArgument(), name, value);
}

std::vector<StatisticTotal> statisticTotals() {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return r.totals;
}

void setStatisticTotals(std::vector<StatisticTotal> totals) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.totals = std::move(totals);
}

void printStatistics(llvm::raw_ostream &os) {
  std::vector<StatisticTotal> totals = statisticTotals();
  size_t width = 0;
  for (const StatisticTotal &total : totals)
    width = std::max(width, total.group.size() + 1 + total.name.size());
  for (const StatisticTotal &total : totals) {
    std::string key = total.group + "." + total.name;
    os << llvm::left_justify(key, width) << "  ";
    if (total.text.empty())
      os << total.value << "\n";
    else
      os << total.text << "\n";
  }
}

} // namespace mlir::inception

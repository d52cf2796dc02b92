//===- TargetTest.cpp - The target description ----------------------------===//

#include "compiler/Target.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace inception;

namespace {

/// A fake sysfs cache folder: index<N>/{level,type,size} per entry.
class SysfsCaches : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("inception-sysfs", root));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(root); }
  void add(int index, const char *level, const char *type, const char *size) {
    llvm::SmallString<128> dir(root);
    llvm::sys::path::append(dir, "index" + std::to_string(index));
    ASSERT_FALSE(llvm::sys::fs::create_directories(dir));
    for (auto [name, text] : {std::pair{"level", level}, {"type", type},
                              {"size", size}}) {
      llvm::SmallString<128> file(dir);
      llvm::sys::path::append(file, name);
      std::error_code ec;
      llvm::raw_fd_ostream os(file, ec);
      ASSERT_FALSE(ec);
      os << text << "\n";
    }
  }
  llvm::SmallString<128> root;
};

TEST_F(SysfsCaches, DataAndUnifiedCachesByLevel) {
  add(0, "1", "Data", "48K");
  add(1, "1", "Instruction", "32K");
  add(2, "2", "Unified", "1024K");
  add(3, "3", "Unified", "32768K");
  CacheSizes caches = readSysfsCacheSizes(root);
  EXPECT_EQ(caches.l1, 48 << 10);
  EXPECT_EQ(caches.l2, 1 << 20);
  EXPECT_EQ(caches.l3, 32 << 20);
}

TEST_F(SysfsCaches, MissingOrMalformedLevelsAreUnknown) {
  add(0, "1", "Data", "48K");
  add(1, "2", "Unified", "lots");
  CacheSizes caches = readSysfsCacheSizes(root);
  EXPECT_EQ(caches.l1, 48 << 10);
  EXPECT_EQ(caches.l2, 0);
  EXPECT_EQ(caches.l3, 0);
  EXPECT_EQ(readSysfsCacheSizes((root + "/nowhere").str()).l1, 0);
}

TEST(CacheSizes, ParsesThreeSizesAndRejectsOthers) {
  auto caches = parseCacheSizes("32K,1M,16M");
  ASSERT_TRUE(bool(caches));
  EXPECT_EQ(caches->l1, 32 << 10);
  EXPECT_EQ(caches->l2, 1 << 20);
  EXPECT_EQ(caches->l3, 16 << 20);
  for (const char *bad : {"32K,1M", "32Q,1M,2M", "0,1M,2M", "32K,,2M"}) {
    auto parsed = parseCacheSizes(bad);
    EXPECT_FALSE(bool(parsed)) << bad;
    llvm::consumeError(parsed.takeError());
  }
}

TEST(TargetDescription, CrossCompilationHasDefaultsAndNoMicrokernels) {
  auto target = TargetDescription::create({"aarch64-linux-gnu", "", "", 0});
  ASSERT_TRUE(bool(target)) << llvm::toString(target.takeError());
  EXPECT_EQ(target->cpu, "generic");
  EXPECT_EQ(target->caches.l2, kDefaultCacheSizes.l2);
  EXPECT_EQ(target->cacheSource, "defaults");
  EXPECT_FALSE(target->microkernel.has_value());
}

TEST(TargetDescription, AvxBlockingFollowsTheCaches) {
  auto target = TargetDescription::create({"", "haswell", "32K,1M,16M", 3});
  ASSERT_TRUE(bool(target)) << llvm::toString(target.takeError());
  ASSERT_TRUE(target->microkernel.has_value());
  EXPECT_EQ(target->microkernel->vl, 8);
  EXPECT_EQ(target->microkernel->nr, 16);
  EXPECT_EQ(target->microkernel->kc, 256); // half of L1 per kc x nr panel
  EXPECT_EQ(target->microkernel->nc, 128); // at most 8 panels
  EXPECT_EQ(target->threads, 3);
}

TEST(TargetDescription, RoundTripsThroughTheAttribute) {
  mlir::MLIRContext context;
  auto target = TargetDescription::create({"", "skylake-avx512", "48K,2M,32M", 0});
  ASSERT_TRUE(bool(target)) << llvm::toString(target.takeError());
  auto back = TargetDescription::fromAttr(target->toAttr(&context));
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->triple, target->triple);
  EXPECT_EQ(back->cpu, "skylake-avx512");
  EXPECT_EQ(back->caches.l3, 32 << 20);
  ASSERT_TRUE(back->microkernel.has_value());
  EXPECT_EQ(back->microkernel->nr, 64);
  EXPECT_EQ(back->microkernel->kc, target->microkernel->kc);
}

TEST(TargetDescription, BadRequestsAreErrors) {
  for (TargetRequest request :
       {TargetRequest{"", "no-such-cpu", "", 0},
        TargetRequest{"nonsense", "", "", 0}, TargetRequest{"", "", "1K", 0},
        TargetRequest{"", "", "", -1}}) {
    auto target = TargetDescription::create(request);
    EXPECT_FALSE(bool(target)) << request.cpu << request.triple;
    llvm::consumeError(target.takeError());
  }
}

TEST(TargetAttr, ParsesAndRejectsATileThatIsNotWholeVectors) {
  mlir::MLIRContext context;
  context.getOrLoadDialect<mlir::inception::InceptionDialect>();
  std::string message;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    message = d.str();
    return mlir::success();
  });
  auto text = [](int nr) {
    return "#inception.target<triple = \"x86_64-pc-linux-gnu\", cpu = "
           "\"haswell\", features = \"\", vector_width = 8, l1 = 32768, "
           "l2 = 1048576, l3 = 16777216, mr = 6, nr = " +
           std::to_string(nr) + ", kc = 256, nc = 160, threads = 0>";
  };
  auto good = mlir::dyn_cast_or_null<mlir::inception::TargetAttr>(
      mlir::parseAttribute(text(16), &context));
  ASSERT_TRUE(good) << message;
  EXPECT_EQ(good.getNr(), 16);
  EXPECT_TRUE(good.hasMicrokernels());
  EXPECT_FALSE(mlir::parseAttribute(text(20), &context));
  EXPECT_NE(message.find("nr a multiple of vector_width"), std::string::npos)
      << message;
}

} // namespace

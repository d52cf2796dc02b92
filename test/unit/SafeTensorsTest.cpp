//===- SafeTensorsTest.cpp - The safetensors reader and weight binding ----===//

#include "frontend/SafeTensors.h"
#include "frontend/Weights.h"
#include "runtime/safetensors.h"
#include "test/unit/SafeTensorsImage.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"
#include <cctype>
#include <cstring>

using namespace inception;
using inception::test::floats;
using inception::test::makeFile;

namespace {
llvm::Expected<std::unique_ptr<SafeTensorsFile>> load(const std::string &image) {
  return SafeTensorsFile::fromBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(image, "w.safetensors"));
}

/// Loads `image` and returns the reader's error message ("" on success).
std::string errorOf(const std::string &image) {
  auto file = load(image);
  if (file)
    return "";
  return llvm::toString(file.takeError());
}
} // namespace

TEST(SafeTensors, ReadsTensorsInPlace) {
  std::string header =
      R"({"__metadata__":{"format":"pt"},)"
      R"("b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]},)"
      R"("a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}})";
  std::string image = makeFile(header, floats({1, 2, 3, 4, 5}));
  auto file = load(image);
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  ASSERT_EQ((*file)->tensors().size(), 2u);
  // Tensors come in file order whatever the header order.
  EXPECT_EQ((*file)->tensors()[0].name, "a");
  const TensorView *b = (*file)->lookup("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->dtype, DType::F32);
  EXPECT_EQ(b->shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(b->numElements(), 2);
  float values[2];
  std::memcpy(values, b->bytes.data(), 8);
  EXPECT_EQ(values[0], 4.0f);
  EXPECT_EQ(values[1], 5.0f);
  EXPECT_EQ((*file)->lookup("missing"), nullptr);
}

// The C reader the runtime's loader calls, directly: lookups by decoded
// name (escapes, UTF-8 from surrogate pairs, an embedded NUL), the data's
// order, and a message that fits the buffer it is given.
TEST(SafeTensorsC, FindsTensorsByDecodedName) {
  std::string header =
      R"({"c\u00e9\ud83d\ude00":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},)"
      R"("a\u0000b":{"dtype":"U8","shape":[2,2],"data_offsets":[12,16]},)"
      R"("q\"\\":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  std::string image = makeFile(header, floats({1, 2, 3, 4}));
  inception_st_file *file = nullptr;
  char error[128];
  ASSERT_EQ(inception_st_parse(image.data(), image.size(), &file, error,
                               sizeof(error)),
            0)
      << error;
  ASSERT_EQ(inception_st_count(file), 3u);
  EXPECT_STREQ(inception_st_at(file, 0)->name, "q\"\\");
  EXPECT_EQ(inception_st_at(file, 3), nullptr);
  const char emoji[] = "c\xc3\xa9\xf0\x9f\x98\x80";
  const inception_st_tensor *found =
      inception_st_find(file, emoji, sizeof(emoji) - 1);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->offset, 8u);
  EXPECT_EQ(*static_cast<const float *>(found->data), 3.0f);
  const inception_st_tensor *embedded = inception_st_find(file, "a\0b", 3);
  ASSERT_NE(embedded, nullptr);
  EXPECT_EQ(embedded->dtype, INCEPTION_ST_U8);
  EXPECT_EQ(embedded->rank, 2u);
  EXPECT_EQ(embedded->byte_size, 4u);
  EXPECT_EQ(inception_st_find(file, "a", 1), nullptr);
  EXPECT_EQ(inception_st_find(file, nullptr, 0), nullptr);
  inception_st_free(file);

  // A null image, and a message cut to the buffer.
  EXPECT_EQ(inception_st_parse(nullptr, 16, &file, error, sizeof(error)), -1);
  EXPECT_STREQ(error, "no image (a null pointer)");
  EXPECT_EQ(file, nullptr);
  char small[8];
  EXPECT_EQ(inception_st_parse("", 0, &file, small, sizeof(small)), -1);
  EXPECT_STREQ(small, "file is");
  EXPECT_STREQ(inception_st_dtype_name(INCEPTION_ST_BF16), "BF16");
  EXPECT_EQ(inception_st_dtype_size(INCEPTION_ST_F64), 8u);
}

TEST(SafeTensors, ZeroSizedTensorsAndScalars) {
  std::string header =
      R"({"empty":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},)"
      R"("scalar":{"dtype":"I64","shape":[],"data_offsets":[0,8]}})";
  auto file = load(makeFile(header, std::string(8, '\0')));
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  EXPECT_EQ((*file)->lookup("empty")->numElements(), 0);
  EXPECT_EQ((*file)->lookup("scalar")->numElements(), 1);
}

TEST(SafeTensors, MapsFilesFromDisk) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("st", "safetensors", path));
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    ASSERT_FALSE(ec);
    os << makeFile(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                   floats({7}));
  }
  auto file = SafeTensorsFile::open(path);
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  EXPECT_EQ((*file)->lookup("w")->numElements(), 1);
  llvm::sys::fs::remove(path);
}

TEST(SafeTensors, WriterRoundTrip) {
  std::string a = floats({1, 2, 3, 4, 5, 6}), b = floats({7});
  std::vector<TensorToWrite> tensors = {
      {"layer.weight", DType::F32, {2, 3}, llvm::ArrayRef<char>(a.data(), a.size())},
      {"layer.bias", DType::F32, {1}, llvm::ArrayRef<char>(b.data(), b.size())}};
  std::string image;
  llvm::raw_string_ostream os(image);
  ASSERT_FALSE(bool(writeSafeTensors(os, tensors)));
  // The data starts 8-byte aligned, so mapped floats are aligned too.
  EXPECT_EQ(image.size() % 8, (a.size() + b.size()) % 8);
  auto file = load(image);
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  const TensorView *weight = (*file)->lookup("layer.weight");
  ASSERT_NE(weight, nullptr);
  EXPECT_EQ(weight->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(std::string(weight->bytes.begin(), weight->bytes.end()), a);
  EXPECT_EQ((*file)->lookup("layer.bias")->numElements(), 1);
}

TEST(SafeTensors, WriterRejectsInconsistentTensors) {
  std::string a = floats({1, 2});
  llvm::ArrayRef<char> bytes(a.data(), a.size());
  std::string image;
  llvm::raw_string_ostream os(image);
  llvm::Error sizeError =
      writeSafeTensors(os, {{"w", DType::F32, {3}, bytes}});
  EXPECT_EQ(llvm::toString(std::move(sizeError)),
            "tensor 'w' has 8 bytes but its shape needs 12");
  llvm::Error twiceError = writeSafeTensors(
      os, {{"w", DType::F32, {2}, bytes}, {"w", DType::F32, {2}, bytes}});
  EXPECT_EQ(llvm::toString(std::move(twiceError)), "tensor 'w' is written twice");
}

TEST(SafeTensors, MissingFile) {
  auto file = SafeTensorsFile::open("/nonexistent/w.safetensors");
  ASSERT_FALSE(bool(file));
  EXPECT_EQ(llvm::toString(file.takeError()),
            "/nonexistent/w.safetensors: cannot open: No such file or "
            "directory");
}

class SafeTensorsErrors : public testing::TestWithParam<test::MalformedImage> {};

TEST_P(SafeTensorsErrors, IsRejectedWithMessage) {
  EXPECT_EQ(errorOf(GetParam().image),
            std::string("w.safetensors: ") + GetParam().message)
      << GetParam().what;
}

INSTANTIATE_TEST_SUITE_P(Cases, SafeTensorsErrors,
                         testing::ValuesIn(test::malformedImages()),
                         test::malformedImageName);

namespace {
/// Binds `key` of `file` as a tensor of `shape` and returns the diagnostic.
std::string bindError(const SafeTensorsFile &file, llvm::StringRef key,
                      llvm::ArrayRef<int64_t> shape) {
  mlir::MLIRContext context;
  std::string message;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    message = d.str();
    return mlir::success();
  });
  SafeTensorsWeights weights(file);
  auto type = mlir::RankedTensorType::get(shape, mlir::Float32Type::get(&context));
  auto attr = weights.get(key, type, ParamRole::ConvWeight,
                          mlir::UnknownLoc::get(&context));
  return succeeded(attr) ? "" : message;
}
} // namespace

TEST(SafeTensorsWeights, BindsByKeyAndChecksShapeAndDtype) {
  std::string header =
      R"({"conv.weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
      R"("half":{"dtype":"F16","shape":[2],"data_offsets":[8,12]}})";
  auto file = load(makeFile(header, floats({1, 2, 3})));
  ASSERT_TRUE(bool(file));
  EXPECT_EQ(bindError(**file, "conv.weight", {2}), "");
  EXPECT_EQ(bindError(**file, "conv.weight", {1, 2}),
            "weight 'conv.weight' has shape [2] in w.safetensors but the "
            "model expects [1, 2]");
  EXPECT_EQ(bindError(**file, "half", {2}),
            "weight 'half' has dtype F16 in w.safetensors; only F32 is "
            "supported");
  EXPECT_EQ(bindError(**file, "other", {4}),
            "weight 'other' of shape [4] is missing from w.safetensors");
}

TEST(SafeTensorsWeights, ReportsUnusedTensorsButIgnoresBatchCounters) {
  std::string header =
      R"({"used":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
      R"("bn.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[4,12]},)"
      R"("stray":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}})";
  auto file = load(makeFile(header, floats({1, 0, 0, 2})));
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  mlir::MLIRContext context;
  std::vector<std::string> messages;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    messages.push_back(d.str());
    return mlir::success();
  });
  SafeTensorsWeights weights(**file);
  auto type = mlir::RankedTensorType::get({1}, mlir::Float32Type::get(&context));
  ASSERT_TRUE(succeeded(weights.get("used", type, ParamRole::ConvBias,
                                    mlir::UnknownLoc::get(&context))));
  EXPECT_TRUE(failed(weights.finish(&context)));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0], "tensor 'stray' of shape [1] is not used by the model");
}

TEST(RandomWeights, DeterministicPerKeyAndSeed) {
  mlir::MLIRContext context;
  auto type = mlir::RankedTensorType::get({4, 3, 3, 3},
                                          mlir::Float32Type::get(&context));
  auto loc = mlir::UnknownLoc::get(&context);
  auto values = [&](uint64_t seed, llvm::StringRef key) {
    RandomWeights weights(seed);
    auto attr = weights.get(key, type, ParamRole::ConvWeight, loc);
    auto blob = mlir::cast<mlir::DenseResourceElementsAttr>(*attr).getData();
    return std::vector<char>(blob.begin(), blob.end());
  };
  EXPECT_EQ(values(1, "a.weight"), values(1, "a.weight"));
  EXPECT_NE(values(1, "a.weight"), values(2, "a.weight"));
  EXPECT_NE(values(1, "a.weight"), values(1, "b.weight"));
  // Kaiming-uniform bound sqrt(6 / fan_in) with fan_in = 27.
  std::vector<char> bytes = values(7, "c.weight");
  const float *data = reinterpret_cast<const float *>(bytes.data());
  for (size_t i = 0; i < bytes.size() / 4; ++i)
    EXPECT_LE(std::abs(data[i]), std::sqrt(6.0f / 27.0f));
}

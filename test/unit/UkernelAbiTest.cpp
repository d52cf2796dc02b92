//===- UkernelAbiTest.cpp - The kernels' structs sit where calls store ----===//
//
// The compiler builds a microkernel call as an array of 8-byte slots, one
// per field of runtime/ukernels/ukernel_params.def, at the index
// passes/Codegen/CPU/KernelCalls.h gives it; the kernels read the C structs
// ukernel_abi.h defines from the same list. A field whose C type is not 8
// bytes, padding, or an address field the compiler would store as an
// integer (or the reverse) fails here.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/CPU/KernelCalls.h"
#include "runtime/ukernels/ukernel_abi.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <type_traits>

namespace {

namespace ukernel = mlir::inception::ukernel;

template <typename T> constexpr bool isAddress() {
  return std::is_pointer_v<std::remove_reference_t<T>>;
}

TEST(UkernelAbi, EveryFieldSitsInItsSlot) {
#define CHECK_FIELD(params, field, fieldKind)                                   \
  {                                                                            \
    using Type = decltype(inception_uk_##params##_params::field);              \
    unsigned slot = unsigned(ukernel::params::Field::field);                    \
    EXPECT_EQ(offsetof(inception_uk_##params##_params, field), 8 * slot)        \
        << #params "." #field;                                                  \
    EXPECT_EQ(sizeof(Type), 8u) << #params "." #field;                          \
    EXPECT_EQ(isAddress<Type>(), fieldKind == ukernel::FieldKind::Pointer)      \
        << #params "." #field;                                                  \
    EXPECT_EQ(std::is_floating_point_v<Type>,                                  \
              fieldKind == ukernel::FieldKind::Real)                           \
        << #params "." #field;                                                  \
    EXPECT_EQ(ukernel::fieldsOf<ukernel::params::Field>()[slot].kind,           \
              fieldKind)                                                       \
        << #params "." #field;                                                  \
    EXPECT_EQ(ukernel::fieldsOf<ukernel::params::Field>()[slot].name, #field);  \
  }
#define INCEPTION_UK_POINTER(params, type, field)                              \
  CHECK_FIELD(params, field, ukernel::FieldKind::Pointer)
#define INCEPTION_UK_INTEGER(params, field)                                    \
  CHECK_FIELD(params, field, ukernel::FieldKind::Integer)
#define INCEPTION_UK_REAL(params, field)                                       \
  CHECK_FIELD(params, field, ukernel::FieldKind::Real)
#define INCEPTION_UK_PARAMS_END(params)                                        \
  EXPECT_EQ(sizeof(inception_uk_##params##_params),                            \
            8 * unsigned(ukernel::params::Field::count))                       \
      << #params;                                                              \
  EXPECT_EQ(ukernel::fieldsOf<ukernel::params::Field>().size(),                \
            size_t(ukernel::params::Field::count));
#include "runtime/ukernels/ukernel_params.def"
#undef CHECK_FIELD
}

TEST(UkernelAbi, EveryKernelTakesItsStruct) {
  size_t kernels = 0;
#define INCEPTION_UK_KERNEL(kernel, params)                                    \
  ++kernels;                                                                   \
  EXPECT_EQ(ukernel::k_##kernel.symbol, "inception_uk_" #kernel);              \
  EXPECT_EQ(ukernel::kernelFields("inception_uk_" #kernel).size(),             \
            sizeof(inception_uk_##params##_params) / 8)                        \
      << #kernel;                                                              \
  static_assert(std::is_same_v<decltype(&inception_uk_##kernel),               \
                               void (*)(const inception_uk_##params##_params *)>);
#include "runtime/ukernels/ukernel_params.def"
  EXPECT_EQ(kernels, 20u);
  EXPECT_TRUE(ukernel::kernelFields("inception_uk_gemm_6x1v16").empty());
}

} // namespace

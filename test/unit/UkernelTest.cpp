//===- UkernelTest.cpp - Each microkernel against a plain loop -------------===//
//
// Built once per ISA level's kernel object (runtime/ukernels/CMakeLists.txt)
// with that level's register tile (-DINCEPTION_UK_MR, _NR, _VL) and name
// (-DINCEPTION_UKERNEL_ISA). Every kernel runs on random shapes and on the
// edges: 1-pixel rows, channel counts that are not a multiple of the vector
// width, stride 2, dilation, padding larger than the kernel's half-width,
// strided rows, bias, residual, ReLU, accumulation; outputs are compared
// with a reference loop summed in double, and the floats around each
// output (row and channel gaps) must stay as they were.
//
//===----------------------------------------------------------------------===//

#include "runtime/ukernels/ukernel_abi.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <vector>

extern "C" int omp_get_max_threads(void);
extern "C" void omp_set_num_threads(int count);
// blocked_conv.c's choice of tile for a layer (hidden: the kernel object's
// own, not the ABI).
extern "C" int64_t
inception_uk_blocked_conv_tile(const inception_uk_conv2d_params *params,
                               int64_t *pixels, int64_t *run, int64_t *row);

namespace {

/// Runs the kernels of one scope on `count` threads: how they split their
/// tasks depends on it (Winograd's chunks of tiles and groups of output
/// channels, the blocked convolution's row segments), the results must not.
class ThreadCount {
public:
  explicit ThreadCount(int count) : saved(omp_get_max_threads()) {
    omp_set_num_threads(count);
  }
  ~ThreadCount() { omp_set_num_threads(saved); }

private:
  int saved;
};

/// The filter forms, from the weight transforms a library runs
/// (runtime/ukernels/weight_transforms.c).
namespace layouts {
std::vector<float> packFilterPanels(const std::vector<float> &filter,
                                    int64_t outChannels, int64_t depth,
                                    int64_t mr) {
  std::vector<float> packed(size_t((outChannels + mr - 1) / mr * depth * mr));
  inception_uk_pack_panels_params p = {filter.data(), packed.data(),
                                       outChannels, depth, mr};
  inception_uk_pack_panels(&p);
  return packed;
}

std::vector<float> winogradFilter(const std::vector<float> &filter,
                                  int64_t outChannels, int64_t inChannels,
                                  int64_t nr) {
  std::vector<float> u(
      size_t(36 * ((outChannels + nr - 1) / nr) * inChannels * nr));
  inception_uk_winograd_filter_params p = {filter.data(), u.data(),
                                           outChannels, inChannels, nr, 0};
  inception_uk_winograd_filter(&p);
  return u;
}
std::vector<float> winograd1dFilter(const std::vector<float> &filter,
                                    int64_t outChannels, int64_t inChannels,
                                    int64_t taps, int64_t nr) {
  std::vector<float> u(size_t(inception_uk_winograd1d_positions(taps) *
                              ((outChannels + nr - 1) / nr) * inChannels * nr));
  inception_uk_winograd1d_filter_params p = {
      filter.data(), u.data(), outChannels, inChannels, taps, nr, 0};
  inception_uk_winograd1d_filter(&p);
  return u;
}
} // namespace layouts

constexpr int64_t MR = INCEPTION_UK_MR, NR = INCEPTION_UK_NR,
                  VL = INCEPTION_UK_VL;
/// What the floats no kernel may write hold.
constexpr float kUntouched = 1234.5f;

bool hostRunsKernels() {
  __builtin_cpu_init();
  return __builtin_cpu_supports(INCEPTION_UKERNEL_ISA);
}

#define REQUIRE_ISA()                                                          \
  if (!hostRunsKernels())                                                      \
  GTEST_SKIP() << "this CPU lacks " INCEPTION_UKERNEL_ISA

/// 64-byte aligned floats, as the compiler's buffers are.
struct Buffer {
  std::vector<float> storage;
  float *data;
  explicit Buffer(int64_t count, float fill = 0.0f)
      : storage(size_t(count) + 16, fill) {
    auto address = reinterpret_cast<uintptr_t>(storage.data());
    data = storage.data() + ((64 - address % 64) % 64) / sizeof(float);
  }
};

struct Random {
  std::mt19937 engine;
  explicit Random(unsigned seed) : engine(seed) {}
  int64_t between(int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(engine);
  }
  bool coin() { return between(0, 1); }
  float value() { return std::uniform_real_distribution<float>(-1, 1)(engine); }
  void fill(float *data, int64_t count) {
    for (int64_t i = 0; i < count; ++i)
      data[i] = value();
  }
};

/// Thread scratch for the run's thread count.
struct Scratch {
  std::vector<char> storage;
  char *data = nullptr;
  int64_t perThread = 0;
  explicit Scratch(int64_t bytesPerThread) : perThread(bytesPerThread) {
    if (!perThread)
      return;
    storage.resize(size_t(perThread * omp_get_max_threads() + 64));
    auto address = reinterpret_cast<uintptr_t>(storage.data());
    data = storage.data() + (64 - address % 64) % 64;
  }
};

/// Compares `count` outputs at `got` with the reference's values and
/// magnitudes (the sum of the absolute terms, which bounds the rounding).
void expectClose(const std::vector<double> &want,
                 const std::vector<double> &magnitude,
                 const std::vector<float> &got, double relative,
                 const std::string &what) {
  ASSERT_EQ(want.size(), got.size());
  int failures = 0;
  for (size_t i = 0; i < want.size() && failures < 5; ++i) {
    double tolerance = relative * (1.0 + magnitude[i]);
    if (!(std::fabs(got[i] - want[i]) <= tolerance)) {
      ADD_FAILURE() << what << ": output " << i << " is " << got[i]
                    << ", the loop's " << want[i];
      ++failures;
    }
  }
}

//===----------------------------------------------------------------------===//
// Convolutions on NCHW activations: GEMM, Winograd, depthwise
//===----------------------------------------------------------------------===//

/// An NCHW tensor's strides, rows and channel planes possibly apart.
struct Layout {
  int64_t batch, channel, row, size;
  static Layout of(int64_t n, int64_t c, int64_t h, int64_t w, int64_t rowGap,
                   int64_t planeGap) {
    Layout layout;
    layout.row = w + rowGap;
    layout.channel = h * layout.row + planeGap;
    layout.batch = c * layout.channel;
    layout.size = n * layout.batch;
    return layout;
  }
};

struct ConvCase {
  int64_t batch, inChannels, outChannels, inH, inW, kernelH, kernelW;
  int64_t strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW;
  bool depthwise, bias, residual, relu, accumulate;
  int64_t rowGap, planeGap, kc, nc, l2;

  std::string describe() const {
    char text[400];
    snprintf(text, sizeof text,
             "n%lld c%lld->%lld %lldx%lld k%lldx%lld s%lld,%lld d%lld,%lld "
             "pad %lld,%lld out %lldx%lld%s%s%s%s%s gaps %lld,%lld kc %lld nc "
             "%lld",
             (long long)batch, (long long)inChannels, (long long)outChannels,
             (long long)inH, (long long)inW, (long long)kernelH,
             (long long)kernelW, (long long)strideH, (long long)strideW,
             (long long)dilationH, (long long)dilationW, (long long)padTop,
             (long long)padLeft, (long long)outH, (long long)outW,
             depthwise ? " depthwise" : "", bias ? " bias" : "",
             residual ? " residual" : "", relu ? " relu" : "",
             accumulate ? " accumulate" : "", (long long)rowGap,
             (long long)planeGap, (long long)kc, (long long)nc);
    return text;
  }
};

/// Output extent of a window walk over `in` padded by `pad` before and
/// `padAfter` after.
int64_t outExtent(int64_t in, int64_t pad, int64_t padAfter, int64_t kernel,
                  int64_t stride, int64_t dilation) {
  return (in + pad + padAfter - dilation * (kernel - 1) - 1) / stride + 1;
}

ConvCase randomConv(Random &random, bool depthwise, bool winograd) {
  ConvCase c;
  c.depthwise = depthwise;
  c.batch = random.between(1, 2);
  c.inChannels = random.between(1, 3 * VL + 3);
  c.outChannels = depthwise ? c.inChannels : random.between(1, 2 * NR + 5);
  c.inH = random.between(1, 12);
  c.inW = random.between(1, 19);
  c.kernelH = winograd ? 3 : random.between(1, 5);
  c.kernelW = winograd ? 3 : random.between(1, 5);
  c.strideH = winograd ? 1 : random.between(1, 2);
  c.strideW = winograd ? 1 : random.between(1, 2);
  c.dilationH = winograd ? 1 : random.between(1, 2);
  c.dilationW = winograd ? 1 : random.between(1, 2);
  // Up to one more than the kernel's reach: windows entirely in padding.
  c.padTop = random.between(0, c.dilationH * (c.kernelH - 1) + 1);
  c.padLeft = random.between(0, c.dilationW * (c.kernelW - 1) + 1);
  int64_t padBottom = random.between(0, c.dilationH * (c.kernelH - 1));
  int64_t padRight = random.between(0, c.dilationW * (c.kernelW - 1));
  c.outH = outExtent(c.inH, c.padTop, padBottom, c.kernelH, c.strideH,
                     c.dilationH);
  c.outW = outExtent(c.inW, c.padLeft, padRight, c.kernelW, c.strideW,
                     c.dilationW);
  if (c.outH < 1 || c.outW < 1) {
    c.padTop = c.dilationH * (c.kernelH - 1);
    c.padLeft = c.dilationW * (c.kernelW - 1);
    c.outH = outExtent(c.inH, c.padTop, c.padTop, c.kernelH, c.strideH,
                       c.dilationH);
    c.outW = outExtent(c.inW, c.padLeft, c.padLeft, c.kernelW, c.strideW,
                       c.dilationW);
  }
  c.bias = random.coin();
  c.residual = random.coin();
  c.relu = random.coin();
  // Winograd always starts from the bias and residual.
  c.accumulate = !winograd && random.between(0, 3) == 0;
  c.rowGap = random.coin() ? 0 : random.between(1, 3);
  c.planeGap = random.coin() ? 0 : random.between(1, 5);
  c.kc = random.coin() ? 64 : INCEPTION_UK_DEFAULT_KC;
  c.nc = NR * random.between(1, INCEPTION_UK_MAX_NC_PANELS);
  c.l2 = random.coin() ? 256 << 10 : INCEPTION_UK_DEFAULT_L2;
  return c;
}

/// The reference: output[n][m][y][x] in double, and its magnitude.
void referenceConv(const ConvCase &c, const float *input, const Layout &in,
                   const float *filter, const float *bias,
                   const float *residual, const float *initial,
                   const Layout &out, std::vector<double> &want,
                   std::vector<double> &magnitude) {
  int64_t filterChannels = c.depthwise ? 1 : c.inChannels;
  for (int64_t n = 0; n < c.batch; ++n)
    for (int64_t m = 0; m < c.outChannels; ++m)
      for (int64_t y = 0; y < c.outH; ++y)
        for (int64_t x = 0; x < c.outW; ++x) {
          int64_t at = n * out.batch + m * out.channel + y * out.row + x;
          double sum, size;
          if (c.accumulate) {
            sum = initial[at];
            size = std::fabs(sum);
          } else {
            sum = (c.bias ? bias[m] : 0.0) + (c.residual ? residual[at] : 0.0);
            size = std::fabs(sum);
          }
          for (int64_t ci = 0; ci < filterChannels; ++ci) {
            int64_t channel = c.depthwise ? m : ci;
            for (int64_t ky = 0; ky < c.kernelH; ++ky)
              for (int64_t kx = 0; kx < c.kernelW; ++kx) {
                int64_t iy = y * c.strideH + ky * c.dilationH - c.padTop;
                int64_t ix = x * c.strideW + kx * c.dilationW - c.padLeft;
                if (iy < 0 || iy >= c.inH || ix < 0 || ix >= c.inW)
                  continue;
                double term =
                    double(filter[((m * filterChannels + ci) * c.kernelH + ky) *
                                      c.kernelW +
                                  kx]) *
                    input[n * in.batch + channel * in.channel + iy * in.row +
                          ix];
                sum += term;
                size += std::fabs(term);
              }
          }
          if (c.relu && !(sum > 0))
            sum = 0;
          want.push_back(sum);
          magnitude.push_back(size);
        }
}

enum class ConvKernel { Gemm, Winograd, Depthwise };

void runConv(const ConvCase &c, ConvKernel kernel, unsigned seed) {
  SCOPED_TRACE(c.describe());
  Random random(seed);
  Layout in = Layout::of(c.batch, c.inChannels, c.inH, c.inW, c.rowGap,
                         c.planeGap);
  Layout out = Layout::of(c.batch, c.outChannels, c.outH, c.outW, c.rowGap,
                          c.planeGap);
  int64_t filterChannels = c.depthwise ? 1 : c.inChannels;
  int64_t depth = filterChannels * c.kernelH * c.kernelW;
  Buffer input(in.size), output(out.size, kUntouched), residual(out.size);
  std::vector<float> filter(size_t(c.outChannels * depth)),
      bias(size_t(c.outChannels));
  random.fill(input.data, in.size);
  random.fill(filter.data(), int64_t(filter.size()));
  random.fill(bias.data(), c.outChannels);
  random.fill(residual.data, out.size);
  std::vector<bool> written(size_t(out.size), false);
  for (int64_t n = 0; n < c.batch; ++n)
    for (int64_t m = 0; m < c.outChannels; ++m)
      for (int64_t y = 0; y < c.outH; ++y)
        for (int64_t x = 0; x < c.outW; ++x) {
          int64_t at = n * out.batch + m * out.channel + y * out.row + x;
          written[size_t(at)] = true;
          if (c.accumulate)
            output.data[at] = random.value();
        }
  std::vector<float> initial(output.data, output.data + out.size);
  std::vector<double> want, magnitude;
  referenceConv(c, input.data, in, filter.data(), bias.data(), residual.data,
                initial.data(), out, want, magnitude);

  std::vector<float> form =
      kernel == ConvKernel::Gemm
          ? layouts::packFilterPanels(filter, c.outChannels, depth, MR)
      : kernel == ConvKernel::Winograd
          ? layouts::winogradFilter(filter, c.outChannels, c.inChannels, NR)
          : filter;
  Buffer filterBuffer(int64_t(form.size()));
  std::copy(form.begin(), form.end(), filterBuffer.data);
  Scratch scratch(
      kernel == ConvKernel::Gemm ? inception_uk_conv2d_scratch(MR, c.kc, c.nc)
      : kernel == ConvKernel::Winograd
          ? inception_uk_winograd_scratch(INCEPTION_UK_WINOGRAD3X3_POSITIONS,
                                          MR, NR, c.l2, c.inChannels)
          : 0);
  inception_uk_conv2d_params p = {};
  p.input = input.data;
  p.input_batch_stride = in.batch;
  p.input_channel_stride = in.channel;
  p.input_row_stride = in.row;
  p.input_lanes = 1;
  p.filter = filterBuffer.data;
  p.bias = c.bias ? bias.data() : nullptr;
  p.residual = c.residual ? residual.data : nullptr;
  p.residual_batch_stride = out.batch;
  p.residual_channel_stride = out.channel;
  p.residual_row_stride = out.row;
  p.output = output.data;
  p.output_batch_stride = out.batch;
  p.output_channel_stride = out.channel;
  p.output_row_stride = out.row;
  p.accumulate = c.accumulate;
  p.relu = c.relu;
  p.batch = c.batch;
  p.in_channels = c.inChannels;
  p.out_channels = c.outChannels;
  p.in_h = c.inH;
  p.in_w = c.inW;
  p.kernel_h = c.kernelH;
  p.kernel_w = c.kernelW;
  p.out_h = c.outH;
  p.out_w = c.outW;
  p.stride_h = c.strideH;
  p.stride_w = c.strideW;
  p.dilation_h = c.dilationH;
  p.dilation_w = c.dilationW;
  p.pad_top = c.padTop;
  p.pad_left = c.padLeft;
  p.scratch = scratch.data;
  p.scratch_per_thread = scratch.perThread;
  p.kc = c.kc;
  p.nc = c.nc;
  p.l1 = INCEPTION_UK_DEFAULT_L1;
  p.l2 = c.l2;
  if (kernel == ConvKernel::Gemm)
    inception_uk_conv2d(&p);
  else if (kernel == ConvKernel::Winograd)
    inception_uk_winograd3x3(&p);
  else
    inception_uk_depthwise2d(&p);

  std::vector<float> got;
  for (int64_t at = 0; at < out.size; ++at) {
    if (written[size_t(at)])
      got.push_back(output.data[at]);
    else
      ASSERT_EQ(output.data[at], kUntouched) << "a gap at " << at << " written";
  }
  // Winograd's transforms scale by up to 8 and sum 36 terms.
  expectClose(want, magnitude, got,
              kernel == ConvKernel::Winograd ? 2e-5 : 2e-6, "");
}

TEST(Ukernel, Conv2dGemmRandomShapes) {
  REQUIRE_ISA();
  Random random(1);
  for (unsigned i = 0; i < 60; ++i)
    runConv(randomConv(random, false, false), ConvKernel::Gemm, i);
}

TEST(Ukernel, Conv2dGemmEdges) {
  REQUIRE_ISA();
  // A 1-pixel row and column, one channel, a 1x1 stride-1 unpadded
  // convolution of dense planes (read in place, no packing), and a wide
  // stride-2 7x7 with padding past the kernel's half-width.
  ConvCase base{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1,
                false, true, false, true, false, 0, 0, 64, NR, 1 << 20};
  runConv(base, ConvKernel::Gemm, 100);
  ConvCase inPlace = base;
  inPlace.inChannels = VL + 1;
  inPlace.outChannels = MR + 1;
  inPlace.inH = inPlace.outH = 5;
  inPlace.inW = inPlace.outW = 2 * NR + 3;
  runConv(inPlace, ConvKernel::Gemm, 101);
  ConvCase wide = base;
  wide.inChannels = 3;
  wide.outChannels = 2 * NR + 1;
  wide.inH = 9;
  wide.inW = 23;
  wide.kernelH = wide.kernelW = 7;
  wide.strideH = wide.strideW = 2;
  wide.padTop = wide.padLeft = 5;
  wide.outH = outExtent(9, 5, 5, 7, 2, 1);
  wide.outW = outExtent(23, 5, 5, 7, 2, 1);
  wide.residual = true;
  runConv(wide, ConvKernel::Gemm, 102);
}

TEST(Ukernel, Winograd3x3RandomShapes) {
  REQUIRE_ISA();
  Random random(2);
  for (unsigned i = 0; i < 40; ++i) {
    ThreadCount threads(1 + int(i % 3));
    runConv(randomConv(random, false, true), ConvKernel::Winograd, 200 + i);
  }
}

TEST(Ukernel, Depthwise2dRandomShapes) {
  REQUIRE_ISA();
  Random random(3);
  for (unsigned i = 0; i < 60; ++i)
    runConv(randomConv(random, true, false), ConvKernel::Depthwise, 300 + i);
}

//===----------------------------------------------------------------------===//
// Convolutions on blocked activations
//===----------------------------------------------------------------------===//

enum class BlockedKernel {
  Direct,
  Winograd,
  WinogradUntransformed,
  Winograd1d,
  Depthwise
};

/// The border of a padded buffer a blocked kernel fills itself (the
/// params' border_*), in a [batch][blocks][h][w][lanes] buffer with the
/// given strides.
struct Border {
  int64_t top = 0, bottom = 0, left = 0, right = 0;
  float value = 0;
  int64_t h = 0, w = 0;
  bool contains(int64_t y, int64_t x) const {
    return y < top || y >= h - bottom || x < left || x >= w - right;
  }
  /// Calls `visit(index)` for every float of the border.
  template <typename Visit>
  void each(int64_t batch, int64_t batchStride, int64_t blocks,
            int64_t blockStride, int64_t rowStride, int64_t lanes,
            Visit visit) const {
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t b = 0; b < blocks; ++b)
        for (int64_t y = 0; y < h; ++y)
          for (int64_t x = 0; x < w; ++x)
            if (contains(y, x))
              for (int64_t l = 0; l < lanes; ++l)
                visit(n * batchStride + b * blockStride + y * rowStride +
                      x * lanes + l);
  }
  template <typename Params> void set(Params &p) const {
    p.border_top = top;
    p.border_bottom = bottom;
    p.border_left = left;
    p.border_right = right;
    p.border_value = value;
  }
};

/// Up to two rows and columns each side of an h x w buffer, any of them 0.
Border randomBorder(Random &random, int64_t h, int64_t w, float value) {
  Border border;
  border.h = h;
  border.w = w;
  border.top = random.between(0, std::min<int64_t>(2, h / 2));
  border.bottom = random.between(0, std::min<int64_t>(2, h - border.top));
  border.left = random.between(0, std::min<int64_t>(2, w / 2));
  border.right = random.between(0, std::min<int64_t>(2, w - border.left));
  border.value = value;
  return border;
}

/// A blocked convolution: the input is the padded buffer ([N, C/VL, Hp,
/// Wp, VL], or NCHW [N, C, Hp, Wp] with lanes 1), the output [N, F/VL, oh,
/// ow, VL] with rows possibly apart, the residual's rows apart by their own
/// gap. `pointwise`: a 1x1 stride-1 convolution on a dense input, whose
/// tiles wrap from one output row to the next. `smallCaches`: an L1 and L2
/// so small that input blocks come in several runs, each over chunks of
/// pixels that end inside rows and tiles.
void runBlocked(Random &random, BlockedKernel kernel, bool nchwInput,
                bool pointwise = false, bool rows3x3 = false,
                bool smallCaches = false, bool oneImageManyPanels = false) {
  // WinogradUntransformed: the Winograd kernel that transforms the blocked
  // 3x3 filter itself, in chunks of input channels.
  bool untransformed = kernel == BlockedKernel::WinogradUntransformed;
  bool winograd = kernel == BlockedKernel::Winograd || untransformed;
  bool winograd1d = kernel == BlockedKernel::Winograd1d;
  bool depthwise = kernel == BlockedKernel::Depthwise;
  // rows3x3: the depthwise kernel's path for 3x3 kernels of stride and
  // dilation 1 along rows (either down columns).
  bool square = winograd || rows3x3;
  // Winograd1d: 1x7 or 7x1, stride and dilation 1.
  bool vertical = winograd1d && random.coin();
  int64_t batch = oneImageManyPanels ? 1 : random.between(1, 2);
  int64_t lanes = nchwInput ? 1 : VL;
  // Untransformed: 1 to 3 chunks of input channels at either vector width.
  int64_t inChannels =
      nchwInput ? random.between(1, 5)
                : VL * random.between(
                           1, untransformed
                                  ? 3 * INCEPTION_UK_WINOGRAD_FILTER_CHUNK / VL
                                  : 3);
  // Winograd: several panels of NR output channels (3 with AVX-512, 5 with
  // AVX2), so that its groups of panels are exercised.
  // oneImageManyPanels: 4 to 20 blocks (up to 5 panels with AVX-512, 10
  // with AVX2), which the Winograd kernels' threads take in equal shares.
  int64_t maxOutBlocks = oneImageManyPanels       ? 20
                         : winograd || winograd1d ? 9
                                                  : 4;
  int64_t outChannels =
      depthwise ? inChannels
                : VL * random.between(oneImageManyPanels ? 4 : 1, maxOutBlocks);
  bool unit = pointwise || winograd1d; // stride and dilation 1
  int64_t kernelH = square       ? 3
                    : winograd1d ? (vertical ? 7 : 1)
                    : pointwise  ? 1
                                 : random.between(1, 5);
  int64_t kernelW = square       ? 3
                    : winograd1d ? (vertical ? 1 : 7)
                    : pointwise  ? 1
                                 : random.between(1, 5);
  int64_t strideH = winograd || unit ? 1 : random.between(1, 2);
  int64_t strideW = square || unit ? 1 : random.between(1, 2);
  int64_t dilationH = winograd || unit ? 1 : random.between(1, 2);
  int64_t dilationW = square || unit ? 1 : random.between(1, 2);
  // Pointwise rows as narrow as 1 pixel: a tile then spans several rows.
  int64_t minOut = oneImageManyPanels ? 5 : 1;
  int64_t maxOutW = pointwise ? 13 : oneImageManyPanels ? 16 : 30;
  int64_t outH = random.between(minOut, oneImageManyPanels ? 16 : 9),
          outW = random.between(minOut, maxOutW);
  int64_t paddedH = (outH - 1) * strideH + dilationH * (kernelH - 1) + 1;
  int64_t paddedW = (outW - 1) * strideW + dilationW * (kernelW - 1) + 1;
  bool bias = random.coin(), residual = random.coin(), relu = random.coin();
  // The 3x3 rows' fused input ReLU: every value read, border included,
  // counts as max(x, 0).
  bool inputRelu = rows3x3 && random.coin();
  bool accumulate = !winograd && !winograd1d && random.between(0, 3) == 0;
  int64_t rowGap = random.coin() ? 0 : random.between(1, 3);
  int64_t residualGap = random.coin() ? 0 : random.between(1, 3);
  SCOPED_TRACE("blocked n" + std::to_string(batch) + " c" +
               std::to_string(inChannels) + "->" + std::to_string(outChannels) +
               " k" + std::to_string(kernelH) + "x" + std::to_string(kernelW) +
               " s" + std::to_string(strideH) + "," + std::to_string(strideW) +
               " d" + std::to_string(dilationH) + "," +
               std::to_string(dilationW) + " out " + std::to_string(outH) +
               "x" + std::to_string(outW) + (nchwInput ? " nchw" : ""));

  // Input: channel c at block c / lanes, lane c % lanes.
  int64_t inBlocks = inChannels / lanes;
  int64_t inRow = paddedW * lanes, inBlock = paddedH * inRow,
          inBatch = inBlocks * inBlock;
  Buffer input(batch * inBatch);
  random.fill(input.data, batch * inBatch);
  // Half the time the kernel fills a border of its input itself: the
  // reference reads the border's value there, the kernel finds NaN.
  std::optional<Border> border;
  if (random.coin())
    border = randomBorder(random, paddedH, paddedW, random.value());
  if (border)
    border->each(batch, inBatch, inBlocks, inBlock, inRow, lanes,
                 [&](int64_t at) { input.data[at] = border->value; });
  auto inputAt = [&](int64_t n, int64_t c, int64_t y, int64_t x) {
    return input.data[n * inBatch + c / lanes * inBlock + y * inRow +
                      x * lanes + c % lanes];
  };
  auto readAt = [&](int64_t n, int64_t c, int64_t y, int64_t x) {
    float value = inputAt(n, c, y, x);
    return inputRelu ? std::max(value, 0.0f) : value;
  };
  int64_t outBlocks = outChannels / VL;
  int64_t outRow = (outW + rowGap) * VL, outBlock = outH * outRow,
          outBatch = outBlocks * outBlock;
  int64_t residualRow = (outW + residualGap) * VL,
          residualBlock = outH * residualRow,
          residualBatch = outBlocks * residualBlock;
  Buffer output(batch * outBatch, kUntouched),
      residualBuffer(batch * residualBatch);
  random.fill(residualBuffer.data, batch * residualBatch);
  std::vector<float> plain(size_t(outChannels * (depthwise ? 1 : inChannels) *
                                  kernelH * kernelW));
  std::vector<float> biasValues(static_cast<size_t>(outChannels));
  random.fill(plain.data(), int64_t(plain.size()));
  random.fill(biasValues.data(), outChannels);
  auto outputIndex = [&](int64_t n, int64_t f, int64_t y, int64_t x) {
    return n * outBatch + f / VL * outBlock + y * outRow + x * VL + f % VL;
  };
  auto residualAt = [&](int64_t n, int64_t f, int64_t y, int64_t x) {
    return residualBuffer.data[n * residualBatch + f / VL * residualBlock +
                               y * residualRow + x * VL + f % VL];
  };
  if (accumulate)
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t f = 0; f < outChannels; ++f)
        for (int64_t y = 0; y < outH; ++y)
          for (int64_t x = 0; x < outW; ++x)
            output.data[outputIndex(n, f, y, x)] = random.value();

  std::vector<double> want, magnitude;
  std::vector<int64_t> indices;
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t f = 0; f < outChannels; ++f)
      for (int64_t y = 0; y < outH; ++y)
        for (int64_t x = 0; x < outW; ++x) {
          int64_t at = outputIndex(n, f, y, x);
          double sum = accumulate ? output.data[at]
                                  : (bias ? biasValues[size_t(f)] : 0.0) +
                                        (residual ? residualAt(n, f, y, x) : 0.0);
          double size = std::fabs(sum);
          for (int64_t c = 0; c < (depthwise ? 1 : inChannels); ++c)
            for (int64_t ky = 0; ky < kernelH; ++ky)
              for (int64_t kx = 0; kx < kernelW; ++kx) {
                double term =
                    double(plain[size_t(
                        ((f * (depthwise ? 1 : inChannels) + c) * kernelH +
                         ky) *
                            kernelW +
                        kx)]) *
                    readAt(n, depthwise ? f : c, y * strideH + ky * dilationH,
                           x * strideW + kx * dilationW);
                sum += term;
                size += std::fabs(term);
              }
          if (relu && !(sum > 0))
            sum = 0;
          want.push_back(sum);
          magnitude.push_back(size);
          indices.push_back(at);
        }

  // The filter in the kernel's form: blocked-layout's [F/VL, kh, kw, C, VL]
  // (depthwise [C/VL, kh, kw, VL]), or Winograd's U.
  std::vector<float> form;
  if (winograd && !untransformed) {
    form = layouts::winogradFilter(plain, outChannels, inChannels, NR);
  } else if (winograd1d) {
    form = layouts::winograd1dFilter(plain, outChannels, inChannels, 7, NR);
  } else if (depthwise) {
    form.resize(plain.size());
    for (int64_t f = 0; f < outChannels; ++f)
      for (int64_t t = 0; t < kernelH * kernelW; ++t)
        form[size_t((f / VL * kernelH * kernelW + t) * VL + f % VL)] =
            plain[size_t(f * kernelH * kernelW + t)];
  } else {
    form.resize(plain.size());
    for (int64_t f = 0; f < outChannels; ++f)
      for (int64_t c = 0; c < inChannels; ++c)
        for (int64_t t = 0; t < kernelH * kernelW; ++t)
          form[size_t(((f / VL * kernelH * kernelW + t) * inChannels + c) * VL +
                      f % VL)] =
              plain[size_t((f * inChannels + c) * kernelH * kernelW + t)];
  }
  Buffer filter(int64_t(form.size()));
  std::copy(form.begin(), form.end(), filter.data);
  int64_t positions = winograd     ? INCEPTION_UK_WINOGRAD3X3_POSITIONS
                      : winograd1d ? inception_uk_winograd1d_positions(7)
                                   : 0;
  Scratch scratch(
      untransformed ? inception_uk_winograd_untransformed_scratch(
                          MR, NR, INCEPTION_UK_DEFAULT_L2, inChannels)
      : positions ? inception_uk_winograd_scratch(
                        positions, MR, NR, INCEPTION_UK_DEFAULT_L2, inChannels)
                  : 0);
  inception_uk_conv2d_params p = {};
  p.input = input.data;
  p.input_batch_stride = inBatch;
  p.input_channel_stride = inBlock;
  p.input_row_stride = inRow;
  p.input_lanes = lanes;
  p.filter = filter.data;
  p.bias = bias ? biasValues.data() : nullptr;
  p.residual = residual ? residualBuffer.data : nullptr;
  p.residual_batch_stride = residualBatch;
  p.residual_channel_stride = residualBlock;
  p.residual_row_stride = residualRow;
  p.output = output.data;
  p.output_batch_stride = outBatch;
  p.output_channel_stride = outBlock;
  p.output_row_stride = outRow;
  p.accumulate = accumulate;
  p.relu = relu;
  p.batch = batch;
  p.in_channels = inChannels;
  p.out_channels = outChannels;
  p.in_h = paddedH;
  p.in_w = paddedW;
  p.kernel_h = kernelH;
  p.kernel_w = kernelW;
  p.out_h = outH;
  p.out_w = outW;
  p.stride_h = strideH;
  p.stride_w = strideW;
  p.dilation_h = dilationH;
  p.dilation_w = dilationW;
  p.scratch = scratch.data;
  p.scratch_per_thread = scratch.perThread;
  p.kc = INCEPTION_UK_DEFAULT_KC;
  p.nc = NR * INCEPTION_UK_DEFAULT_NC_PANELS;
  p.l1 = smallCaches || random.coin() ? 8 << 10 : INCEPTION_UK_DEFAULT_L1;
  // A small L2 makes the direct kernel's runs of input blocks sweep chunks
  // of a tile or two. (Its threads split the output blocks, not the pixels,
  // wherever the filter is over 3x the input, whatever the L2.)
  p.input_relu = inputRelu;
  p.l2 = smallCaches || (kernel == BlockedKernel::Direct && random.coin())
             ? 4 << 10
             : INCEPTION_UK_DEFAULT_L2;
  if (border) {
    border->set(p);
    border->each(batch, inBatch, inBlocks, inBlock, inRow, lanes,
                 [&](int64_t at) { input.data[at] = NAN; });
  }
  if (untransformed)
    inception_uk_winograd3x3_blocked_untransformed(&p);
  else if (winograd)
    inception_uk_winograd3x3_blocked(&p);
  else if (winograd1d)
    inception_uk_winograd1d_blocked(&p);
  else if (depthwise)
    inception_uk_depthwise2d_blocked(&p);
  else
    inception_uk_conv2d_blocked(&p);

  if (border)
    border->each(batch, inBatch, inBlocks, inBlock, inRow, lanes,
                 [&](int64_t at) {
                   ASSERT_EQ(input.data[at], border->value)
                       << "the border at " << at << " not filled";
                 });
  std::vector<float> got;
  for (int64_t at : indices)
    got.push_back(output.data[at]);
  std::sort(indices.begin(), indices.end());
  for (int64_t at = 0; at < batch * outBatch; ++at)
    if (!std::binary_search(indices.begin(), indices.end(), at))
      ASSERT_EQ(output.data[at], kUntouched) << "a gap at " << at << " written";
  expectClose(want, magnitude, got, winograd || winograd1d ? 2e-5 : 2e-6, "");
}

TEST(Ukernel, Conv2dBlockedRandomShapes) {
  REQUIRE_ISA();
  Random random(4);
  for (int i = 0; i < 40; ++i) {
    ThreadCount threads(1 + i % 3);
    runBlocked(random, BlockedKernel::Direct, /*nchwInput=*/i % 4 == 0);
  }
}

// 1x7 and 7x1 by F(4, 7): rows or columns of 1 to 30 and 1 to 9 outputs
// (most end in a partial tile), input channels in 1 to 3 blocks, output
// channels across panels, bias, residual, ReLU, borders, 1-3 threads.
TEST(Ukernel, Winograd1dBlockedRandomShapes) {
  REQUIRE_ISA();
  Random random(17);
  for (int i = 0; i < 40; ++i) {
    ThreadCount threads(1 + i % 3);
    runBlocked(random, BlockedKernel::Winograd1d, /*nchwInput=*/false);
  }
}

// Runs of input blocks over chunks of pixels: each chunk's first run starts
// from the bias and residual, its last applies the ReLU, whatever rows and
// tiles the chunk cuts.
TEST(Ukernel, Conv2dBlockedRunsOverChunks) {
  REQUIRE_ISA();
  Random random(21);
  for (int i = 0; i < 40; ++i) {
    ThreadCount threads(1 + i % 3);
    runBlocked(random, BlockedKernel::Direct, /*nchwInput=*/i % 4 == 0,
               /*pointwise=*/false, /*rows3x3=*/false, /*smallCaches=*/true);
  }
}

TEST(Ukernel, Conv2dBlockedPointwiseRowsApart) {
  REQUIRE_ISA();
  Random random(12);
  for (int i = 0; i < 40; ++i) {
    ThreadCount threads(1 + i % 3);
    runBlocked(random, BlockedKernel::Direct, /*nchwInput=*/i % 5 == 0,
               /*pointwise=*/true);
  }
}

TEST(Ukernel, Winograd3x3BlockedRandomShapes) {
  REQUIRE_ISA();
  Random random(5);
  for (int i = 0; i < 30; ++i) {
    ThreadCount threads(1 + i % 3);
    runBlocked(random, BlockedKernel::Winograd, false);
  }
}

// The filter transformed by the kernel, up to 3 chunks of input channels
// (each chunk's GEMMs add to the last's), partial output panels.
TEST(Ukernel, Winograd3x3BlockedUntransformedRandomShapes) {
  REQUIRE_ISA();
  Random random(29);
  for (int i = 0; i < 30; ++i) {
    ThreadCount threads(1 + i % 3);
    runBlocked(random, BlockedKernel::WinogradUntransformed, false);
  }
}

// One image of 5 to 16 outputs a side (a few tiles) and 4 to 20 output
// blocks on 2 or 3 threads: the Winograd kernels split such layers into equal
// shares of (output panel, panel of tiles) pairs, so that a share starts or
// ends inside an output panel's tiles (GoogLeNet's 14x14 layers: 5 output
// panels of 3 tile panels on 2 threads).
TEST(Ukernel, WinogradBlockedShares) {
  REQUIRE_ISA();
  Random random(23);
  for (int i = 0; i < 40; ++i) {
    ThreadCount threads(2 + i % 2);
    runBlocked(random,
               i % 3 == 0   ? BlockedKernel::Winograd
               : i % 3 == 1 ? BlockedKernel::Winograd1d
                            : BlockedKernel::WinogradUntransformed,
               /*nchwInput=*/false, /*pointwise=*/false, /*rows3x3=*/false,
               /*smallCaches=*/false, /*oneImageManyPanels=*/true);
  }
}

// The blocked convolution's tile (inception_uk_blocked_conv_tile) for
// layers of the family with a 48K L1: b output blocks by p pixels, summing
// `run` input blocks a call, along rows of `row` pixels.
struct BlockedTile {
  int64_t blocks, pixels, run, row;
  bool operator==(const BlockedTile &other) const {
    return blocks == other.blocks && pixels == other.pixels &&
           run == other.run && row == other.row;
  }
};

std::ostream &operator<<(std::ostream &os, const BlockedTile &tile) {
  return os << tile.blocks << "x" << tile.pixels << " tiles, runs of "
            << tile.run << ", rows of " << tile.row;
}

struct BlockedLayer {
  const char *name;
  int64_t inChannels, outChannels, kernel, stride, outSide;
  bool nchw, rowsApart;
  BlockedTile want;
};

BlockedTile blockedTileOf(const BlockedLayer &layer) {
  inception_uk_conv2d_params p{};
  int64_t lanes = layer.nchw ? 1 : INCEPTION_UK_VL;
  int64_t inW = (layer.outSide - 1) * layer.stride + layer.kernel +
                (layer.rowsApart ? 2 : 0);
  p.in_channels = layer.inChannels;
  p.out_channels = layer.outChannels;
  p.input_lanes = lanes;
  p.kernel_h = p.kernel_w = layer.kernel;
  p.stride_h = p.stride_w = layer.stride;
  p.dilation_h = p.dilation_w = 1;
  p.out_h = p.out_w = layer.outSide;
  p.input_row_stride = inW * lanes;
  p.l1 = 48 << 10;
  p.l2 = 2 << 20;
  BlockedTile tile;
  tile.blocks =
      inception_uk_blocked_conv_tile(&p, &tile.pixels, &tile.run, &tile.row);
  return tile;
}

// A tile's call loads and stores its accumulators once per run: 1x1 layers
// over many input blocks take 3x8 tiles, whose runs are twice as long as 6x4
// ones'. Dense 1x1 planes are one row, two output blocks fill 2x12 tiles,
// 3x3 filters keep to 3 blocks (a 3x3 slice per block is 9K), and the NCHW
// stem's 3 channels take one run.
TEST(Ukernel, Conv2dBlockedTileShapes) {
  REQUIRE_ISA();
  // clang-format off
#if INCEPTION_UK_VL == 16
  const BlockedLayer layers[] = {
      {"768 -> 192 1x1 17x17", 768, 192, 1, 1, 17, false, false, {3, 8, 8, 289}},
      {"736 -> 736 1x1 19x19", 736, 736, 1, 1, 19, false, false, {3, 8, 8, 361}},
      {"832 -> 384 1x1 7x7", 832, 384, 1, 1, 7, false, false, {4, 6, 6, 49}},
      {"320 -> 32 1x1 35x35", 320, 32, 1, 1, 35, false, false, {2, 12, 12, 1225}},
      {"768 -> 192 1x1 17x17, rows apart", 768, 192, 1, 1, 17, false, true, {4, 6, 6, 17}},
      {"384 -> 384 3x3 8x8", 384, 384, 3, 1, 8, false, true, {3, 8, 1, 8}},
      {"384 -> 384 3x3/2 8x8", 384, 384, 3, 2, 8, false, false, {3, 8, 1, 8}},
      {"3 -> 64 7x7/2 NCHW 112x112", 3, 64, 7, 2, 112, true, true, {4, 6, 3, 112}},
  };
#else
  const BlockedLayer layers[] = {
      {"768 -> 192 1x1 17x17", 768, 192, 1, 1, 17, false, false, {3, 4, 32, 289}},
      {"736 -> 736 1x1 19x19", 736, 736, 1, 1, 19, false, false, {3, 4, 32, 361}},
      {"320 -> 32 1x1 35x35", 320, 32, 1, 1, 35, false, false, {2, 6, 40, 1225}},
      {"768 -> 192 1x1 17x17, rows apart", 768, 192, 1, 1, 17, false, true, {2, 6, 48, 17}},
      {"384 -> 384 3x3 8x8", 384, 384, 3, 1, 8, false, true, {3, 4, 3, 8}},
      {"3 -> 64 7x7/2 NCHW 112x112", 3, 64, 7, 2, 112, true, true, {3, 4, 3, 112}},
  };
#endif
  // clang-format on
  for (const BlockedLayer &layer : layers)
    EXPECT_EQ(blockedTileOf(layer), layer.want) << layer.name;
}

TEST(Ukernel, Depthwise2dBlockedRandomShapes) {
  REQUIRE_ISA();
  Random random(6);
  for (int i = 0; i < 40; ++i) {
    ThreadCount threads(1 + i % 3);
    runBlocked(random, BlockedKernel::Depthwise, false);
  }
}

// 3x3 rows of stride 1 (Xception's): pixels in registers across the row,
// whole runs of them, then the tiles for the rest (rows of 1 to 30).
TEST(Ukernel, Depthwise2dBlocked3x3Rows) {
  REQUIRE_ISA();
  Random random(16);
  for (int i = 0; i < 40; ++i) {
    ThreadCount threads(1 + i % 3);
    runBlocked(random, BlockedKernel::Depthwise, false, false,
               /*rows3x3=*/true);
  }
}

//===----------------------------------------------------------------------===//
// Pooling and dense layers
//===----------------------------------------------------------------------===//

/// NCHW (blocked = false: windows clipped to the input, padding never
/// read) or blocked (the padded buffer, border -inf or 0) pooling; with
/// `threeByThree`, the family's 3x3 windows (the blocked kernel keeps
/// their columns in registers), else windows of 1 to 5.
void runPool(Random &random, bool blocked, bool threeByThree = false) {
  int64_t batch = random.between(1, 2);
  int64_t channels = blocked ? VL * random.between(1, 2) : random.between(1, 7);
  int64_t inH = random.between(threeByThree ? 3 : 1, 12),
          inW = random.between(threeByThree ? 3 : 1, 40);
  int64_t kernelH =
      threeByThree ? 3 : random.between(1, std::min<int64_t>(inH, 4) + 1);
  int64_t kernelW =
      threeByThree ? 3 : random.between(1, std::min<int64_t>(inW, 4) + 1);
  int64_t strideH = random.between(1, 2), strideW = random.between(1, 2);
  // PyTorch's limit: padding at most half the window.
  int64_t padTop = random.between(0, kernelH / 2);
  int64_t padLeft = random.between(0, kernelW / 2);
  bool ceil = random.coin();
  auto extent = [&](int64_t in, int64_t pad, int64_t k, int64_t s) {
    int64_t span = in + 2 * pad - k;
    int64_t out = (ceil ? (span + s - 1) / s : span / s) + 1;
    // A last window must start inside the input or its leading padding.
    if (ceil && (out - 1) * s >= in + pad)
      --out;
    return out;
  };
  int64_t outH = extent(inH, padTop, kernelH, strideH);
  int64_t outW = extent(inW, padLeft, kernelW, strideW);
  if (outH < 1 || outW < 1)
    return;
  bool max = random.coin(), divide = !max && random.coin();
  SCOPED_TRACE(std::string(blocked ? "blocked " : "") + (max ? "max" : "sum") +
               " c" + std::to_string(channels) + " " + std::to_string(inH) +
               "x" + std::to_string(inW) + " k" + std::to_string(kernelH) + "x" +
               std::to_string(kernelW) + " s" + std::to_string(strideH) + "," +
               std::to_string(strideW) + " pad " + std::to_string(padTop) +
               "," + std::to_string(padLeft) + " out " + std::to_string(outH) +
               "x" + std::to_string(outW));
  std::vector<float> plain(size_t(batch * channels * inH * inW));
  random.fill(plain.data(), int64_t(plain.size()));
  auto value = [&](int64_t n, int64_t c, int64_t y, int64_t x) {
    return plain[size_t(((n * channels + c) * inH + y) * inW + x)];
  };
  Buffer divisor(outH * outW);
  for (int64_t i = 0; i < outH * outW; ++i)
    divisor.data[i] = float(random.between(1, 9));

  std::vector<double> want, magnitude;
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t y = 0; y < outH; ++y)
        for (int64_t x = 0; x < outW; ++x) {
          double result = max ? -INFINITY : 0.0, size = 0;
          for (int64_t ky = 0; ky < kernelH; ++ky)
            for (int64_t kx = 0; kx < kernelW; ++kx) {
              int64_t iy = y * strideH + ky - padTop,
                      ix = x * strideW + kx - padLeft;
              if (iy < 0 || iy >= inH || ix < 0 || ix >= inW)
                continue;
              double v = value(n, c, iy, ix);
              result = max ? std::max(result, v) : result + v;
              size += std::fabs(v);
            }
          if (divide)
            result /= divisor.data[y * outW + x];
          want.push_back(result);
          magnitude.push_back(size);
        }

  // The input's layout: NCHW rows 3 floats apart, or the padded blocked
  // buffer (extended past the input as far as the windows reach).
  int64_t lanes = blocked ? VL : 1, rowGap = blocked ? 0 : 3;
  int64_t paddedH = blocked ? std::max(inH + padTop, (outH - 1) * strideH + kernelH) : inH;
  int64_t paddedW = blocked ? std::max(inW + padLeft, (outW - 1) * strideW + kernelW) : inW;
  int64_t inRow = (paddedW + rowGap) * lanes, inPlane = paddedH * inRow,
          inBatch = channels / lanes * inPlane;
  Buffer input(batch * inBatch, max ? -INFINITY : 0.0f);
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t y = 0; y < inH; ++y)
        for (int64_t x = 0; x < inW; ++x) {
          int64_t py = blocked ? y + padTop : y, px = blocked ? x + padLeft : x;
          input.data[n * inBatch + c / lanes * inPlane + py * inRow +
                     px * lanes + c % lanes] = value(n, c, y, x);
        }
  int64_t outRow = (outW + rowGap) * lanes, outPlane = outH * outRow,
          outBatch = channels / lanes * outPlane;
  Buffer output(batch * outBatch, kUntouched);
  inception_uk_pool2d_params p = {};
  p.input = input.data;
  p.input_batch_stride = inBatch;
  p.input_channel_stride = inPlane;
  p.input_row_stride = inRow;
  p.in_h = blocked ? paddedH : inH;
  p.in_w = blocked ? paddedW : inW;
  p.output = output.data;
  p.output_batch_stride = outBatch;
  p.output_channel_stride = outPlane;
  p.output_row_stride = outRow;
  p.batch = batch;
  p.channels = channels;
  p.out_h = outH;
  p.out_w = outW;
  p.kernel_h = kernelH;
  p.kernel_w = kernelW;
  p.stride_h = strideH;
  p.stride_w = strideW;
  p.pad_top = blocked ? 0 : padTop;
  p.pad_left = blocked ? 0 : padLeft;
  p.kind = max ? 0 : 1;
  p.divisor = divide ? divisor.data : nullptr;
  // Half the time the blocked kernel fills the padding around the input
  // itself, which holds NaN until then.
  std::optional<Border> border;
  if (blocked && random.coin()) {
    border = Border{padTop,
                    paddedH - inH - padTop,
                    padLeft,
                    paddedW - inW - padLeft,
                    max ? -INFINITY : 0.0f,
                    paddedH,
                    paddedW};
    border->set(p);
    border->each(batch, inBatch, channels / lanes, inPlane, inRow, lanes,
                 [&](int64_t at) { input.data[at] = NAN; });
  }
  if (blocked)
    inception_uk_pool2d_blocked(&p);
  else
    inception_uk_pool2d(&p);

  std::vector<float> got;
  std::vector<bool> written(size_t(batch * outBatch), false);
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t y = 0; y < outH; ++y)
        for (int64_t x = 0; x < outW; ++x) {
          int64_t at = n * outBatch + c / lanes * outPlane + y * outRow +
                       x * lanes + c % lanes;
          got.push_back(output.data[at]);
          written[size_t(at)] = true;
        }
  for (int64_t at = 0; at < batch * outBatch; ++at)
    if (!written[size_t(at)])
      ASSERT_EQ(output.data[at], kUntouched) << "a gap at " << at << " written";
  if (border)
    border->each(batch, inBatch, channels / lanes, inPlane, inRow, lanes,
                 [&](int64_t at) {
                   ASSERT_EQ(input.data[at], border->value)
                       << "the border at " << at << " not filled";
                 });
  expectClose(want, magnitude, got, 2e-6, "");
}

TEST(Ukernel, Pool2dRandomShapes) {
  REQUIRE_ISA();
  Random random(7);
  for (int i = 0; i < 80; ++i)
    runPool(random, false);
}

TEST(Ukernel, Pool2dBlockedRandomShapes) {
  REQUIRE_ISA();
  Random random(8);
  for (int i = 0; i < 60; ++i) {
    ThreadCount threads(1 + i % 3);
    runPool(random, true);
  }
}

TEST(Ukernel, Pool2dBlockedThreeByThree) {
  REQUIRE_ISA();
  Random random(11);
  for (int i = 0; i < 40; ++i) {
    ThreadCount threads(1 + i % 3);
    runPool(random, true, /*threeByThree=*/true);
  }
}

TEST(Ukernel, DenseRandomShapes) {
  REQUIRE_ISA();
  Random random(9);
  for (int i = 0; i < 40; ++i) {
    int64_t batch = random.between(1, 3);
    int64_t out = random.between(1, 40);
    // 1, a vector's width and one more, and long rows.
    int64_t depth = i % 4 == 0 ? 1 : i % 4 == 1 ? VL + 1 : random.between(1, 700);
    int64_t inRow = depth + random.between(0, 3), weightRow = depth + 5,
            outRow = out + random.between(0, 2);
    SCOPED_TRACE("dense " + std::to_string(batch) + "x" + std::to_string(depth) +
                 " -> " + std::to_string(out));
    Buffer input(batch * inRow), weight(out * weightRow),
        output(batch * outRow, kUntouched);
    random.fill(input.data, batch * inRow);
    random.fill(weight.data, out * weightRow);
    std::vector<double> want, magnitude;
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t m = 0; m < out; ++m) {
        output.data[n * outRow + m] = random.value();
        double sum = output.data[n * outRow + m], size = std::fabs(sum);
        for (int64_t k = 0; k < depth; ++k) {
          double term = double(input.data[n * inRow + k]) *
                        weight.data[m * weightRow + k];
          sum += term;
          size += std::fabs(term);
        }
        want.push_back(sum);
        magnitude.push_back(size);
      }
    inception_uk_dense_params p = {input.data, inRow,  weight.data, weightRow,
                                   output.data, outRow, batch,      out,
                                   depth};
    inception_uk_dense(&p);
    std::vector<float> got;
    for (int64_t n = 0; n < batch; ++n) {
      for (int64_t m = 0; m < out; ++m)
        got.push_back(output.data[n * outRow + m]);
      for (int64_t m = out; m < outRow; ++m)
        ASSERT_EQ(output.data[n * outRow + m], kUntouched);
    }
    expectClose(want, magnitude, got, 2e-6, "");
  }
}

} // namespace

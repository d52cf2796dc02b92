//===- FilterTransforms.cpp - Filters in the forms the kernels read -------===//
//
// Done once, at compile time: the GEMM kernel's panels of mr output
// channels, and Winograd's transform U = G g G^T in panels of nr.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/CPU/Microkernels.h"
#include "passes/Codegen/CPU/FilterLayouts.h"
#include "passes/Transforms/WeightConstants.h"

#include "mlir/IR/DialectResourceBlobManager.h"

namespace mlir::inception::microkernels {

namespace {

/// Winograd F(4x4, 3x3)'s filter transform G (Lavin and Gray; points 0,
/// +-1, +-2): U = G g G^T is the 6x6 transform of the 3x3 filter g.
constexpr double kWinogradG[6][3] = {
    {1.0 / 4, 0, 0},           {-1.0 / 6, -1.0 / 6, -1.0 / 6},
    {-1.0 / 6, 1.0 / 6, -1.0 / 6}, {1.0 / 24, 1.0 / 12, 1.0 / 6},
    {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};

} // namespace

std::vector<float> winogradFilter(ArrayRef<float> filter, int64_t outChannels,
                                  int64_t inChannels, int64_t nr) {
  int64_t panels = (outChannels + nr - 1) / nr;
  std::vector<float> u(size_t(36 * panels * inChannels * nr), 0.0f);
  for (int64_t co = 0; co < outChannels; ++co)
    for (int64_t ci = 0; ci < inChannels; ++ci) {
      const float *g = filter.data() + (co * inChannels + ci) * 9;
      double gGt[3][6];
      for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 6; ++c)
          gGt[r][c] = g[r * 3] * kWinogradG[c][0] +
                      g[r * 3 + 1] * kWinogradG[c][1] +
                      g[r * 3 + 2] * kWinogradG[c][2];
      for (int r = 0; r < 6; ++r)
        for (int c = 0; c < 6; ++c) {
          double value = kWinogradG[r][0] * gGt[0][c] +
                         kWinogradG[r][1] * gGt[1][c] +
                         kWinogradG[r][2] * gGt[2][c];
          u[((size_t(r * 6 + c) * panels + co / nr) * inChannels + ci) * nr +
            co % nr] = float(value);
        }
    }
  return u;
}

std::vector<float> packFilterPanels(ArrayRef<float> filter, int64_t outChannels,
                                    int64_t depth, int64_t mr) {
  int64_t panels = (outChannels + mr - 1) / mr;
  std::vector<float> packed(size_t(panels * depth * mr), 0.0f);
  for (int64_t m = 0; m < outChannels; ++m)
    for (int64_t k = 0; k < depth; ++k)
      packed[(m / mr) * depth * mr + k * mr + m % mr] = filter[m * depth + k];
  return packed;
}

memref::GlobalOp filterGlobal(Value filter, SymbolTable &symbols) {
  while (auto expand = filter.getDefiningOp<memref::ExpandShapeOp>())
    filter = expand.getSrc();
  auto get = filter.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return {};
  auto global = symbols.lookup<memref::GlobalOp>(get.getName());
  if (!global || !global.getConstant() || !global.getInitialValue())
    return {};
  return global;
}

memref::GlobalOp filterForm(KernelLowering &lowering, memref::GlobalOp global,
                            bool winogradForm, int64_t outChannels,
                            int64_t inChannels, int64_t depth, int64_t mr,
                            int64_t nr, int64_t sourceBlock) {
  int64_t vl = sourceBlock;
  StringRef suffix = winogradForm ? "winograd" : "packed";
  memref::GlobalOp &form =
      lowering.filterForms[(global.getSymName() + "." + suffix).str()];
  if (form)
    return form;
  auto data = readF32Elements(*global.getInitialValue());
  if (!data)
    return {};
  std::vector<float> formData;
  if (winogradForm && sourceBlock) {
    // [F/vl, 3, 3, C, vl] (blocked-layout's) as [F, C, 3, 3] first.
    std::vector<float> plain(data->size());
    for (int64_t f = 0; f < outChannels; ++f)
      for (int64_t c = 0; c < inChannels; ++c)
        for (int64_t t = 0; t < 9; ++t)
          plain[size_t((f * inChannels + c) * 9 + t)] =
              (*data)[size_t((((f / vl) * 9 + t) * inChannels + c) * vl +
                             f % vl)];
    formData = winogradFilter(plain, outChannels, inChannels, nr);
  } else if (winogradForm) {
    formData = winogradFilter(*data, outChannels, inChannels, nr);
  } else {
    formData = packFilterPanels(*data, outChannels, depth, mr);
  }
  OpBuilder builder(global);
  auto type =
      MemRefType::get({int64_t(formData.size())}, builder.getF32Type());
  std::string key = global.getSymName().str();
  if (auto resource =
          dyn_cast<DenseResourceElementsAttr>(*global.getInitialValue()))
    key = resource.getRawHandle().getKey().str();
  key += "." + suffix.str();
  DenseResourceElementsAttr value =
      f32ResourceElements(type.getShape(), key, ArrayRef<float>(formData),
                          builder.getContext());
  form = memref::GlobalOp::create(
      builder, global.getLoc(), (global.getSymName() + "_" + suffix).str(),
      builder.getStringAttr("private"), type, value, /*constant=*/true,
      builder.getI64IntegerAttr(64));
  lowering.symbols.insert(form);
  return form;
}

} // namespace mlir::inception::microkernels

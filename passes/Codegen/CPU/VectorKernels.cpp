//===- VectorKernels.cpp - The microkernels' vector code, in MLIR ---------===//

#include "passes/Codegen/CPU/VectorKernels.h"
#include "passes/Codegen/CPU/Passes.h"
#include "passes/Codegen/CPU/VectorKernelBuilder.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/SymbolTable.h"

#include <limits>

namespace mlir::inception {
#define GEN_PASS_DEF_VECTORKERNELS
#include "passes/Codegen/CPU/Passes.h.inc"

static constexpr llvm::StringLiteral kVectorKernelAttr =
    "inception.vector_kernel";

std::string VectorKernelShape::invalidReason() const {
  if (mr < 1 || mr > 16)
    return "mr must be between 1 and 16 rows";
  if (vl != 4 && vl != 8 && vl != 16)
    return "vl must be 4, 8 or 16 floats (a vector register)";
  if (nr < vl || nr % vl != 0 || nr / vl > 4)
    return "nr must be 1 to 4 vectors of vl floats";
  return "";
}

/// A kernel's symbol as the C kernels spell it: inception_uk_<stem>v<vl>
/// (inception_uk_gemm_6x4v16, inception_uk_dot_v16,
/// inception_uk_max_pool_row_2v16).
static std::string kernelSymbol(const Twine &stem, int64_t vl) {
  return ("inception_uk_" + stem + "v" + Twine(vl)).str();
}

/// Pixels per blocked depthwise tile: their accumulators, the filter
/// vector and an input vector fit 16 registers.
static constexpr int64_t kDepthwiseBlockedPixels = 8;

/// Vectors of output pixels per call of a row kernel (depthwise
/// convolution, pooling): the C kernels split wider rows.
static constexpr int64_t kRowVectors = 4;

bool isVectorKernel(Operation *function) {
  return function->hasAttr(kVectorKernelAttr);
}

namespace {
/// Builds one GEMM tile function: C[0:mr][0:nv vl] (row stride ldc) += A-panel
/// (kc x mr, packed) * B-panel (kc x nv vl, row stride ldb); C starts from
/// zero instead when `accumulate` is 0. With a non-null `dst`, the tile goes
/// to dst (row stride ldd) instead of back to C, its first `rows` rows only
/// and with ReLU when `relu` is not 0: the last K block of a convolution
/// writes its output directly.
struct TileBuilder : KernelBuilder {
  TileBuilder(const VectorKernelShape &shape, int64_t vectors, OpBuilder &b,
              Location loc)
      : KernelBuilder(b, loc), shape(shape), vectors(vectors) {}

  const VectorKernelShape &shape;
  int64_t vectors;

  void build(func::FuncOp function) {
    auto args = start(function);
    Value kc = args[0], a = args[1], bPanel = args[2], ldb = args[3], c = args[4],
          ldc = args[5], accumulate = args[6], dst = args[7], ldd = args[8],
          rows = args[9], relu = args[10];
    int64_t mr = shape.mr, vl = shape.vl, cols = vectors * vl;
    auto vectorType = VectorType::get({vl}, b.getF32Type());
    Value zero = index(0), one = index(1);

    Value aView = view(a, kc, mr, b.getIndexAttr(mr));
    Value bView = view(bPanel, kc, cols, ldb);
    Value cView = view(c, b.getIndexAttr(mr), cols, ldc);
    auto tileElement = [&](int64_t row, int64_t vector) {
      return SmallVector<Value>{index(row), index(vector * vl)};
    };

    SmallVector<Type> accumulatorTypes(mr * vectors, vectorType);
    Value fromC = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                        accumulate, zero);
    auto initial = scf::IfOp::create(b, loc, accumulatorTypes, fromC,
                                     /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(initial.thenBlock());
      SmallVector<Value> loaded;
      for (int64_t i = 0; i < mr; ++i)
        for (int64_t v = 0; v < vectors; ++v)
          loaded.push_back(vector::LoadOp::create(b, loc, vectorType, cView,
                                                  tileElement(i, v)));
      scf::YieldOp::create(b, loc, loaded);
      b.setInsertionPointToStart(initial.elseBlock());
      scf::YieldOp::create(b, loc,
                           SmallVector<Value>(mr * vectors, zeros(vectorType)));
    }

    // The K loop: per k, the row of B in `vectors` registers, and each of
    // the mr elements of A broadcast against it.
    auto loop = scf::ForOp::create(
        b, loc, zero, kc, one, initial.getResults(),
        [&](OpBuilder &, Location, Value k, ValueRange accumulators) {
          SmallVector<Value> row;
          for (int64_t v = 0; v < vectors; ++v)
            row.push_back(vector::LoadOp::create(
                b, loc, vectorType, bView, ValueRange{k, index(v * vl)}));
          SmallVector<Value> updated;
          for (int64_t i = 0; i < mr; ++i) {
            Value element =
                memref::LoadOp::create(b, loc, aView, ValueRange{k, index(i)});
            Value splat = vector::BroadcastOp::create(b, loc, vectorType, element);
            for (int64_t v = 0; v < vectors; ++v)
              updated.push_back(vector::FMAOp::create(
                  b, loc, splat, row[v], accumulators[i * vectors + v]));
          }
          scf::YieldOp::create(b, loc, updated);
        });
    ValueRange tile = loop.getResults();

    Value dstAddress =
        memref::ExtractAlignedPointerAsIndexOp::create(b, loc, dst);
    Value toC = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                      dstAddress, zero);
    scf::IfOp::create(
        b, loc, toC,
        [&](OpBuilder &, Location) {
          for (int64_t i = 0; i < mr; ++i)
            for (int64_t v = 0; v < vectors; ++v)
              vector::StoreOp::create(b, loc, tile[i * vectors + v], cView,
                                      tileElement(i, v));
          scf::YieldOp::create(b, loc);
        },
        [&](OpBuilder &, Location) {
          Value dView = view(dst, b.getIndexAttr(mr), cols, ldd);
          Value withRelu =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, relu, zero);
          scf::IfOp::create(
              b, loc, withRelu,
              [&](OpBuilder &, Location) {
                storeRows(tile, dView, rows, /*relu=*/true);
                scf::YieldOp::create(b, loc);
              },
              [&](OpBuilder &, Location) {
                storeRows(tile, dView, rows, /*relu=*/false);
                scf::YieldOp::create(b, loc);
              });
          scf::YieldOp::create(b, loc);
        });
    func::ReturnOp::create(b, loc);
  }

  /// Stores the tile's first `rows` rows (rows past M are panel padding).
  void storeRows(ValueRange tile, Value dView, Value rows, bool relu) {
    auto vectorType = cast<VectorType>(tile.front().getType());
    for (int64_t i = 0; i < shape.mr; ++i) {
      auto storeRow = [&] {
        for (int64_t v = 0; v < vectors; ++v) {
          Value x = tile[i * vectors + v];
          // ReLU as x > 0 ? x : 0, so that NaN becomes 0 like the scalar
          // epilogues' !(x > 0) test.
          if (relu)
            x = arith::SelectOp::create(
                b, loc,
                arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                      zeros(vectorType)),
                x, zeros(vectorType));
          vector::StoreOp::create(b, loc, x, dView,
                                  ValueRange{index(i), index(v * shape.vl)});
        }
      };
      if (i == 0) { // rows >= 1
        storeRow();
        continue;
      }
      Value present = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                            index(i), rows);
      scf::IfOp::create(b, loc, present, [&](OpBuilder &, Location) {
        storeRow();
        scf::YieldOp::create(b, loc);
      });
    }
  }
};


/// Builds inception_uk_dot_v<vl>(n, x, w) -> sum_i x[i] w[i]: four
/// independent vector accumulators over whole groups of 4 vl (to hide the
/// FMA latency), the rest vector by vector with the last one masked, then
/// one reduction.
struct DotBuilder : KernelBuilder {
  using KernelBuilder::KernelBuilder;

  void build(func::FuncOp function, int64_t vl) {
    auto args = start(function);
    Value n = args[0];
    auto vectorType = VectorType::get({vl}, b.getF32Type());
    Value x = view(args[1], n), w = view(args[2], n);
    constexpr int64_t kAccumulators = 4;
    Value grouped = roundDown(n, kAccumulators * vl);
    auto groups = scf::ForOp::create(
        b, loc, index(0), grouped, index(kAccumulators * vl),
        SmallVector<Value>(kAccumulators, zeros(vectorType)),
        [&](OpBuilder &, Location, Value i, ValueRange sums) {
          SmallVector<Value> updated;
          for (int64_t a = 0; a < kAccumulators; ++a) {
            Value at =
                a == 0 ? i : arith::AddIOp::create(b, loc, i, index(a * vl));
            Value xv = vector::LoadOp::create(b, loc, vectorType, x, at);
            Value wv = vector::LoadOp::create(b, loc, vectorType, w, at);
            updated.push_back(vector::FMAOp::create(b, loc, xv, wv, sums[a]));
          }
          scf::YieldOp::create(b, loc, updated);
        });
    Value sum = groups.getResult(0);
    for (int64_t a = 1; a < kAccumulators; ++a)
      sum = arith::AddFOp::create(b, loc, sum, groups.getResult(a));
    auto rest = scf::ForOp::create(
        b, loc, grouped, n, index(vl), ValueRange{sum},
        [&](OpBuilder &, Location, Value i, ValueRange partial) {
          Value mask = tailMask(vectorType, n, i);
          Value xv = maskedLoad(vectorType, x, i, mask);
          Value wv = maskedLoad(vectorType, w, i, mask);
          scf::YieldOp::create(
              b, loc, ValueRange{vector::FMAOp::create(b, loc, xv, wv,
                                                       partial[0])});
        });
    Value total = vector::ReductionOp::create(
        b, loc, vector::CombiningKind::ADD, rest.getResult(0), Value(),
        arith::FastMathFlags::reassoc);
    func::ReturnOp::create(b, loc, total);
  }
};

/// What the row kernels share: up to `vectors` vectors of n output pixels
/// of a row, the last one masked to the n pixels, folded over a window of
/// kernel rows and columns.
struct RowBuilder : KernelBuilder {
  RowBuilder(int64_t vectors, int64_t vl, OpBuilder &b, Location loc)
      : KernelBuilder(b, loc), vectors(vectors), vl(vl),
        vectorType(VectorType::get({vl}, b.getF32Type())) {}

  int64_t vectors, vl;
  VectorType vectorType;
  Value lastMask;

  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }

  /// Sets the row's pixel count (at most vectors * vl, more than
  /// (vectors - 1) * vl).
  void setPixels(Value n) {
    lastMask = tailMask(vectorType, n, index((vectors - 1) * vl));
  }

  /// Vector v of the row of pixels starting at `at` in `memory`.
  Value rowLoad(Value memory, Value at, int64_t v) {
    Value position = v == 0 ? at : add(at, index(v * vl));
    if (v < vectors - 1)
      return vector::LoadOp::create(b, loc, vectorType, memory, position);
    return maskedLoad(vectorType, memory, position, lastMask);
  }

  void rowStore(Value x, Value memory, int64_t v) {
    Value position = index(v * vl);
    if (v < vectors - 1)
      vector::StoreOp::create(b, loc, x, memory, position);
    else
      vector::MaskedStoreOp::create(b, loc, memory, position, lastMask, x);
  }

  /// Folds `step` over kernel rows r < rows and columns k < kw (row-major),
  /// the row's vectors carried from `initial`.
  ValueRange foldWindow(
      Value rows, Value kw, ValueRange initial,
      function_ref<SmallVector<Value>(Value r, Value k, ValueRange)> step) {
    auto kernelRows = scf::ForOp::create(
        b, loc, index(0), rows, index(1), initial,
        [&](OpBuilder &, Location, Value r, ValueRange rowSums) {
          auto columns = scf::ForOp::create(
              b, loc, index(0), kw, index(1), rowSums,
              [&](OpBuilder &, Location, Value k, ValueRange sums) {
                scf::YieldOp::create(b, loc, step(r, k, sums));
              });
          scf::YieldOp::create(b, loc, columns.getResults());
        });
    return kernelRows.getResults();
  }
};

/// Builds inception_uk_depthwise_row_<nv>v<vl>(n, rows, kw, taps, src, ld,
/// dilation, bias, residual, accumulate, dst, relu): n (at most nv * vl)
/// output pixels of one row of a stride-1 depthwise convolution, all inside
/// the input. The pixels live in nv vector registers from their initial
/// value (dst's own with `accumulate`, else bias plus the residual row, if
/// not null) through every tap: `rows` kernel rows of `kw` weights (taps,
/// row-major), kernel row r reading the input at src + r * ld + k *
/// dilation. One store per row, with ReLU when `relu` is not 0.
struct DepthwiseRowBuilder : RowBuilder {
  using RowBuilder::RowBuilder;

  void build(func::FuncOp function) {
    auto args = start(function);
    Value n = args[0], rows = args[1], kw = args[2], ld = args[5],
          dilation = args[6], bias = args[7], residual = args[8],
          accumulate = args[9], relu = args[11];
    Value zero = index(0), one = index(1);
    // The extents each pointer is read or written over (src's from above:
    // a row may have no kernel rows inside the input).
    Value taps = view(args[3], mul(rows, kw));
    Value lastColumn = mul(sub(kw, one), dilation);
    Value src = view(args[4], add(add(mul(rows, ld), lastColumn), n));
    Value dst = view(args[10], n);
    setPixels(n);

    SmallVector<Type> types(vectors, vectorType);
    Value fromDst =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, accumulate, zero);
    auto initial = scf::IfOp::create(b, loc, types, fromDst,
                                     /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(initial.thenBlock());
      SmallVector<Value> loaded;
      for (int64_t v = 0; v < vectors; ++v)
        loaded.push_back(rowLoad(dst, zero, v));
      scf::YieldOp::create(b, loc, loaded);

      b.setInsertionPointToStart(initial.elseBlock());
      Value splat = vector::BroadcastOp::create(b, loc, vectorType, bias);
      Value residualAddress =
          memref::ExtractAlignedPointerAsIndexOp::create(b, loc, residual);
      Value hasResidual = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::ne, residualAddress, zero);
      auto withResidual = scf::IfOp::create(b, loc, types, hasResidual,
                                            /*withElseRegion=*/true);
      b.setInsertionPointToStart(withResidual.thenBlock());
      Value residualRow = view(residual, n);
      SmallVector<Value> sums;
      for (int64_t v = 0; v < vectors; ++v)
        sums.push_back(
            arith::AddFOp::create(b, loc, splat, rowLoad(residualRow, zero, v)));
      scf::YieldOp::create(b, loc, sums);
      b.setInsertionPointToStart(withResidual.elseBlock());
      scf::YieldOp::create(b, loc, SmallVector<Value>(vectors, splat));
      b.setInsertionPointAfter(withResidual);
      scf::YieldOp::create(b, loc, withResidual.getResults());
    }

    ValueRange row = foldWindow(
        rows, kw, initial.getResults(),
        [&](Value r, Value k, ValueRange sums) {
          Value weight =
              memref::LoadOp::create(b, loc, taps, add(mul(r, kw), k));
          Value splat = vector::BroadcastOp::create(b, loc, vectorType, weight);
          Value at = add(mul(r, ld), mul(k, dilation));
          SmallVector<Value> updated;
          for (int64_t v = 0; v < vectors; ++v)
            updated.push_back(vector::FMAOp::create(
                b, loc, splat, rowLoad(src, at, v), sums[v]));
          return updated;
        });

    Value withRelu =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, relu, zero);
    for (int64_t v = 0; v < vectors; ++v) {
      Value x = row[v];
      // ReLU as x > 0 ? x : 0 when asked, as the other epilogues.
      Value positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                             x, zeros(vectorType));
      Value rectified =
          arith::SelectOp::create(b, loc, positive, x, zeros(vectorType));
      rowStore(arith::SelectOp::create(b, loc, withRelu, rectified, x), dst, v);
    }
    func::ReturnOp::create(b, loc);
  }
};

/// Builds inception_uk_{max,sum}_pool_row_<nv>v<vl>(n, rows, kw, src, ld,
/// divisor, dst): n (at most nv * vl) outputs of one row of a stride-1
/// pooling layer whose windows lie inside the input's row (the C kernel
/// clips the rows): the max or sum over `rows` input rows (row stride ld)
/// and kw columns, in registers, divided by the divisor row (an average
/// pooling's) when it is not null, stored once.
struct PoolRowBuilder : RowBuilder {
  PoolRowBuilder(bool isMax, int64_t vectors, int64_t vl, OpBuilder &b,
                 Location loc)
      : RowBuilder(vectors, vl, b, loc), isMax(isMax) {}

  bool isMax;

  void build(func::FuncOp function) {
    auto args = start(function);
    Value n = args[0], rows = args[1], kw = args[2], ld = args[4],
          divisor = args[5];
    Value zero = index(0), one = index(1);
    Value src = view(args[3], add(add(mul(rows, ld), sub(kw, one)), n));
    Value dst = view(args[6], n);
    setPixels(n);

    // From the identity of the reduction: -inf, or zero.
    auto identity = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(
            vectorType, isMax ? -std::numeric_limits<float>::infinity() : 0.0f));
    ValueRange row = foldWindow(
        rows, kw, SmallVector<Value>(vectors, identity),
        [&](Value r, Value k, ValueRange partial) {
          Value at = add(mul(r, ld), k);
          SmallVector<Value> updated;
          for (int64_t v = 0; v < vectors; ++v) {
            Value x = rowLoad(src, at, v);
            if (isMax) {
              // a > x ? a : x, as the C kernel's edges combine.
              Value greater = arith::CmpFOp::create(
                  b, loc, arith::CmpFPredicate::OGT, partial[v], x);
              updated.push_back(
                  arith::SelectOp::create(b, loc, greater, partial[v], x));
            } else {
              updated.push_back(arith::AddFOp::create(b, loc, partial[v], x));
            }
          }
          return updated;
        });

    SmallVector<Value> results(row.begin(), row.end());
    if (!isMax) {
      Value divisorAddress =
          memref::ExtractAlignedPointerAsIndexOp::create(b, loc, divisor);
      Value divides = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                            divisorAddress, zero);
      SmallVector<Type> types(vectors, vectorType);
      auto divided = scf::IfOp::create(b, loc, types, divides,
                                       /*withElseRegion=*/true);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(divided.thenBlock());
      Value divisorRow = view(divisor, n);
      SmallVector<Value> quotients;
      for (int64_t v = 0; v < vectors; ++v) {
        // Masked-off lanes of the divisor read 0: x / 0 there is never
        // stored.
        quotients.push_back(arith::DivFOp::create(
            b, loc, results[v], rowLoad(divisorRow, zero, v)));
      }
      scf::YieldOp::create(b, loc, quotients);
      b.setInsertionPointToStart(divided.elseBlock());
      scf::YieldOp::create(b, loc, results);
      results.assign(divided.getResults().begin(), divided.getResults().end());
    }
    for (int64_t v = 0; v < vectors; ++v)
      rowStore(results[v], dst, v);
    func::ReturnOp::create(b, loc);
  }
};
} // namespace

void defineVectorKernels(ModuleOp module, const VectorKernelShape &shape) {
  assert(shape.invalidReason().empty() && "not a vector kernel shape");
  MLIRContext *context = module.getContext();
  context->loadDialect<vector::VectorDialect, LLVM::LLVMDialect,
                       scf::SCFDialect, memref::MemRefDialect>();
  SymbolTable symbols(module);
  OpBuilder builder(context);
  Type index = builder.getIndexType(), f32 = builder.getF32Type();
  Type pointer = MemRefType::get({}, f32);
  // Adds the function `name` of `type` unless the module has it, and has
  // `build` fill it in.
  auto define = [&](StringRef name, FunctionType type,
                    function_ref<void(func::FuncOp, OpBuilder &, Location)> build) {
    if (symbols.lookup(name))
      return;
    Location loc = NameLoc::get(StringAttr::get(context, name));
    builder.setInsertionPointToEnd(module.getBody());
    auto function = func::FuncOp::create(builder, loc, name, type);
    function->setAttr(kVectorKernelAttr, builder.getUnitAttr());
    // Several C kernel files declare each; linked into one module
    // (runtime/ukernels/CMakeLists.txt), they take the declarations'
    // hidden visibility.
    function->setAttr("llvm.linkage",
                      LLVM::LinkageAttr::get(context, LLVM::Linkage::WeakODR));
    OpBuilder body(context);
    build(function, body, loc);
  };

  // (kc, a, b, ldb, c, ldc, accumulate, dst, ldd, rows, relu)
  auto tileType = builder.getFunctionType({index, pointer, pointer, index,
                                           pointer, index, index, pointer,
                                           index, index, index},
                                          {});
  for (int64_t vectors = 1; vectors <= shape.maxVectors(); ++vectors)
    define(kernelSymbol("gemm_" + Twine(shape.mr) + "x" + Twine(vectors),
                        shape.vl),
           tileType,
           [&](func::FuncOp function, OpBuilder &body, Location loc) {
             TileBuilder(shape, vectors, body, loc).build(function);
           });
  define(kernelSymbol("dot_", shape.vl),
         builder.getFunctionType({index, pointer, pointer}, {f32}),
         [&](func::FuncOp function, OpBuilder &body, Location loc) {
           DotBuilder(body, loc).build(function, shape.vl);
         });
  // (n, rows, kw, taps, src, ld, dilation, bias, residual, accumulate, dst,
  // relu)
  auto rowType = builder.getFunctionType({index, index, index, pointer,
                                          pointer, index, index, f32, pointer,
                                          index, pointer, index},
                                         {});
  for (int64_t vectors = 1; vectors <= kRowVectors; ++vectors)
    define(kernelSymbol("depthwise_row_" + Twine(vectors), shape.vl), rowType,
           [&](func::FuncOp function, OpBuilder &body, Location loc) {
             DepthwiseRowBuilder(vectors, shape.vl, body, loc).build(function);
           });
  // (kernel_h, kernel_w, in_blocks, filter_blocks, lanes, in, row_step,
  // col_step, block_step, pixel_step, filter, filter_stride, out,
  // out_stride, relu, start, bias, residual, residual_stride, col0, width,
  // out_row_stride, residual_row_stride)
  SmallVector<Type> blockedArguments = {
      index,   index,   index,   index, index,   pointer, index, index,
      index,   index,   pointer, index, pointer, index,   index, index,
      pointer, pointer, index,   index, index,   index,   index};
  auto blockedType = builder.getFunctionType(blockedArguments, {});
  // The same tiles, prefetching (..., prefetch, prefetch_lines): the driver
  // takes them for layers that stream their filter from memory at a few
  // multiply-adds per byte (8x8 and 7x7 planes).
  blockedArguments.append({pointer, index});
  auto prefetchingType = builder.getFunctionType(blockedArguments, {});
  for (bool prefetch : {false, true})
    for (bool strided : {false, true})
      for (int64_t blocks = 1; blocks <= shape.blockedConvMaxBlocks(); ++blocks)
        for (int64_t pixels = 1; pixels <= shape.blockedConvPixels(blocks);
             ++pixels)
          define(kernelSymbol(Twine("blocked_conv_") +
                                  (prefetch ? "prefetch_" : "") +
                                  (strided ? "strided_" : "") + Twine(blocks) +
                                  "x" + Twine(pixels),
                              shape.vl),
                 prefetch ? prefetchingType : blockedType,
                 [&](func::FuncOp function, OpBuilder &body, Location loc) {
                   buildBlockedConvTile(function, body, loc, blocks, pixels,
                                        shape.vl, strided,
                                        /*depthwise=*/false, prefetch);
                 });
  // A blocked depthwise row: one block at up to kDepthwiseBlockedPixels
  // pixels, the same arguments.
  for (bool strided : {false, true})
    for (int64_t pixels = 1; pixels <= kDepthwiseBlockedPixels; ++pixels)
      define(kernelSymbol((strided ? "blocked_depthwise_strided_"
                                   : "blocked_depthwise_") +
                              Twine(pixels),
                          shape.vl),
             blockedType,
             [&](func::FuncOp function, OpBuilder &body, Location loc) {
               buildBlockedConvTile(function, body, loc, 1, pixels, shape.vl,
                                    strided, /*depthwise=*/true);
             });
  // (n, rows, kw, src, ld, divisor, dst)
  auto poolType = builder.getFunctionType(
      {index, index, index, pointer, index, pointer, pointer}, {});
  for (bool isMax : {true, false})
    for (int64_t vectors = 1; vectors <= kRowVectors; ++vectors)
      define(kernelSymbol((isMax ? "max_pool_row_" : "sum_pool_row_") +
                              Twine(vectors),
                          shape.vl),
             poolType, [&](func::FuncOp function, OpBuilder &body, Location loc) {
               PoolRowBuilder(isMax, vectors, shape.vl, body, loc)
                   .build(function);
             });
}

namespace {
struct VectorKernelsPass : impl::VectorKernelsBase<VectorKernelsPass> {
  using VectorKernelsBase::VectorKernelsBase;

  void runOnOperation() override {
    VectorKernelShape shape{mr, nr, vl};
    if (std::string why = shape.invalidReason(); !why.empty()) {
      getOperation().emitError() << "inception-vector-kernels: " << why;
      return signalPassFailure();
    }
    defineVectorKernels(getOperation(), shape);
  }
};
} // namespace

} // namespace mlir::inception

//===- VectorKernels.cpp - The microkernels' vector code, in MLIR ---------===//

#include "passes/Transforms/VectorKernels.h"
#include "passes/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::inception {
#define GEN_PASS_DEF_VECTORKERNELS
#include "passes/Passes.h.inc"

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

std::string gemmTileSymbol(const VectorKernelShape &shape, int64_t vectors) {
  return ("inception_uk_gemm_" + Twine(shape.mr) + "x" + Twine(vectors) + "v" +
          Twine(shape.vl))
      .str();
}

static std::string dotSymbol(int64_t vl) {
  return ("inception_uk_dot_v" + Twine(vl)).str();
}

/// Vectors of output pixels per depthwise row call: the C kernel splits
/// wider rows.
static constexpr int64_t kDepthwiseVectors = 4;

static std::string depthwiseRowSymbol(int64_t vectors, int64_t vl) {
  return ("inception_uk_depthwise_row_" + Twine(vectors) + "v" + Twine(vl))
      .str();
}

bool isVectorKernel(Operation *function) {
  return function->hasAttr(kVectorKernelAttr);
}

namespace {
/// What every kernel function's builder shares. The kernels are called from
/// C with plain pointers: each memref<f32> argument is a float pointer under
/// the bare-pointer calling convention, reinterpreted here as the view it
/// points to.
struct KernelBuilder {
  KernelBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  OpBuilder &b;
  Location loc;
  Block *entry = nullptr;
  llvm::DenseMap<int64_t, Value> constants;
  llvm::DenseMap<Type, Value> zeroVectors;

  Block::BlockArgListType start(func::FuncOp function) {
    entry = function.addEntryBlock();
    b.setInsertionPointToStart(entry);
    return entry->getArguments();
  }

  /// The index constant `value`, made once at the function's entry.
  Value index(int64_t value) {
    Value &constant = constants[value];
    if (!constant) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(entry);
      constant = arith::ConstantIndexOp::create(b, loc, value);
    }
    return constant;
  }

  /// The zero vector of `type`, made once at the function's entry.
  Value zeros(VectorType type) {
    Value &constant = zeroVectors[type];
    if (!constant) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(entry);
      constant = arith::ConstantOp::create(b, loc,
                                           DenseElementsAttr::get(type, 0.0f));
    }
    return constant;
  }

  /// `base` as a rows x cols view with row stride `stride`.
  Value view(Value base, OpFoldResult rows, int64_t cols, OpFoldResult stride) {
    auto staticOrDynamic = [](OpFoldResult value) {
      return getConstantIntValue(value).value_or(ShapedType::kDynamic);
    };
    auto type = MemRefType::get(
        {staticOrDynamic(rows), cols}, b.getF32Type(),
        StridedLayoutAttr::get(b.getContext(), 0,
                               {staticOrDynamic(stride), 1}));
    return memref::ReinterpretCastOp::create(
        b, loc, type, base, b.getIndexAttr(0), {rows, b.getIndexAttr(cols)},
        {stride, b.getIndexAttr(1)});
  }

  /// `base` as a contiguous vector of `size` floats.
  Value view(Value base, Value size) {
    auto type = MemRefType::get({ShapedType::kDynamic}, b.getF32Type());
    return memref::ReinterpretCastOp::create(b, loc, type, base,
                                             b.getIndexAttr(0), {size},
                                             {b.getIndexAttr(1)});
  }

  /// The mask of the first n - i lanes of a vector at element i (the tail
  /// of a row, n - i < vl).
  Value tailMask(VectorType type, Value n, Value i) {
    Value left = arith::SubIOp::create(b, loc, n, i);
    auto maskType = VectorType::get(type.getShape(), b.getI1Type());
    return vector::CreateMaskOp::create(b, loc, maskType, ValueRange{left});
  }

  /// The lanes of `view` at `at` that `mask` selects, zero elsewhere.
  Value maskedLoad(VectorType type, Value view, ValueRange at, Value mask) {
    return vector::MaskedLoadOp::create(b, loc, type, view, at, mask,
                                        zeros(type));
  }

  /// The multiple of `step` at or below `n`.
  Value roundDown(Value n, int64_t step) {
    Value rest = arith::RemUIOp::create(b, loc, n, index(step));
    return arith::SubIOp::create(b, loc, n, rest);
  }
};

/// Builds one GEMM tile function: C[0:mr][0:nv vl] (row stride ldc) += A-panel
/// (kc x mr, packed) * B-panel (kc x nv vl, row stride ldb); C starts from
/// zero instead when `accumulate` is 0. With a non-null `dst`, the tile goes
/// to dst (row stride ldd) instead of back to C, its first `rows` rows only
/// and with ReLU when `relu` is not 0: the last K block of a convolution
/// writes its output directly. Called from C with plain pointers: each
/// memref<f32> argument is a float pointer under the bare-pointer calling
/// convention, reinterpreted here as the 2-D view it points to.
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

/// Builds inception_uk_depthwise_row_<nv>v<vl>(n, rows, kw, taps, src, ld,
/// dilation, bias, residual, accumulate, dst, relu): n (at most nv * vl)
/// output pixels of one row of a stride-1 depthwise convolution, all inside
/// the input. The pixels live in nv vector registers from their initial
/// value (dst's own with `accumulate`, else bias plus the residual row, if
/// not null) through every tap: `rows` kernel rows of `kw` weights (taps,
/// row-major), kernel row r reading the input at src + r * ld + k *
/// dilation. One store per row, with ReLU when `relu` is not 0; the last
/// vector is masked to the n pixels.
struct DepthwiseRowBuilder : KernelBuilder {
  DepthwiseRowBuilder(int64_t vectors, OpBuilder &b, Location loc)
      : KernelBuilder(b, loc), vectors(vectors) {}

  int64_t vectors;

  void build(func::FuncOp function, int64_t vl) {
    auto args = start(function);
    Value n = args[0], rows = args[1], kw = args[2], ld = args[5],
          dilation = args[6], bias = args[7], residual = args[8],
          accumulate = args[9], relu = args[11];
    auto vectorType = VectorType::get({vl}, b.getF32Type());
    Value zero = index(0), one = index(1);
    auto mul = [&](Value x, Value y) {
      return arith::MulIOp::create(b, loc, x, y).getResult();
    };
    auto add = [&](Value x, Value y) {
      return arith::AddIOp::create(b, loc, x, y).getResult();
    };
    auto sub = [&](Value x, Value y) {
      return arith::SubIOp::create(b, loc, x, y).getResult();
    };
    // The extents each pointer is read or written over (src's from above:
    // a row may have no kernel rows inside the input).
    Value taps = view(args[3], mul(rows, kw));
    Value lastColumn = mul(sub(kw, one), dilation);
    Value src = view(args[4], add(add(mul(rows, ld), lastColumn), n));
    Value dst = view(args[10], n);
    int64_t lastVector = vectors - 1;
    Value lastStart = index(lastVector * vl);
    Value lastMask = tailMask(vectorType, n, lastStart);
    // Vector v of a row of pixels starting at `at` in `memory`.
    auto load = [&](Value memory, Value at, int64_t v) -> Value {
      Value position = v == 0 ? at : add(at, index(v * vl));
      if (v < lastVector)
        return vector::LoadOp::create(b, loc, vectorType, memory, position);
      return maskedLoad(vectorType, memory, position, lastMask);
    };

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
        loaded.push_back(load(dst, zero, v));
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
            arith::AddFOp::create(b, loc, splat, load(residualRow, zero, v)));
      scf::YieldOp::create(b, loc, sums);
      b.setInsertionPointToStart(withResidual.elseBlock());
      scf::YieldOp::create(b, loc, SmallVector<Value>(vectors, splat));
      b.setInsertionPointAfter(withResidual);
      scf::YieldOp::create(b, loc, withResidual.getResults());
    }

    auto kernelRows = scf::ForOp::create(
        b, loc, zero, rows, one, initial.getResults(),
        [&](OpBuilder &, Location, Value r, ValueRange rowSums) {
          Value rowStart = mul(r, ld), rowTaps = mul(r, kw);
          auto columns = scf::ForOp::create(
              b, loc, zero, kw, one, rowSums,
              [&](OpBuilder &, Location, Value k, ValueRange sums) {
                Value weight =
                    memref::LoadOp::create(b, loc, taps, add(rowTaps, k));
                Value splat =
                    vector::BroadcastOp::create(b, loc, vectorType, weight);
                Value at = add(rowStart, mul(k, dilation));
                SmallVector<Value> updated;
                for (int64_t v = 0; v < vectors; ++v)
                  updated.push_back(vector::FMAOp::create(
                      b, loc, splat, load(src, at, v), sums[v]));
                scf::YieldOp::create(b, loc, updated);
              });
          scf::YieldOp::create(b, loc, columns.getResults());
        });

    Value withRelu =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, relu, zero);
    for (int64_t v = 0; v < vectors; ++v) {
      Value x = kernelRows.getResult(v);
      // ReLU as x > 0 ? x : 0 when asked, as the other epilogues.
      Value positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                             x, zeros(vectorType));
      Value rectified =
          arith::SelectOp::create(b, loc, positive, x, zeros(vectorType));
      x = arith::SelectOp::create(b, loc, withRelu, rectified, x);
      Value position = index(v * vl);
      if (v < lastVector)
        vector::StoreOp::create(b, loc, x, dst, position);
      else
        vector::MaskedStoreOp::create(b, loc, dst, position, lastMask, x);
    }
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
    // Every model library defines the kernels its C code calls; an
    // application linking several keeps one copy of each.
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
    define(gemmTileSymbol(shape, vectors), tileType,
           [&](func::FuncOp function, OpBuilder &body, Location loc) {
             TileBuilder(shape, vectors, body, loc).build(function);
           });
  define(dotSymbol(shape.vl),
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
  for (int64_t vectors = 1; vectors <= kDepthwiseVectors; ++vectors)
    define(depthwiseRowSymbol(vectors, shape.vl), rowType,
           [&](func::FuncOp function, OpBuilder &body, Location loc) {
             DepthwiseRowBuilder(vectors, body, loc).build(function, shape.vl);
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

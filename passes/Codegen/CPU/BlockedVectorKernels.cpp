//===- BlockedVectorKernels.cpp - The blocked convolutions' tiles ---------===//

#include "passes/Codegen/CPU/VectorKernelBuilder.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::inception {

namespace {

/// Builds one register tile of a convolution on blocked activations
/// (blocked-layout): `blocks` x `pixels` vectors of output, `blocks`
/// adjacent blocks of vl output channels at `pixels` adjacent pixels of an
/// output row, held in registers from their initial value (the output's
/// own partial sums, or with `start` the bias plus the residual) through
/// every tap (kh, kw), input block and lane, stored once (with ReLU when
/// asked). Per (tap, block, lane) it loads one filter vector per
/// output block and broadcasts one input element per pixel. An NCHW input
/// (the first convolution's) is the same walk with one-lane blocks, one
/// per input channel.
///
/// The tile's pixels are those of a row from column `col0` on, and when
/// the row of `width` pixels ends inside the tile, those of the next rows
/// from their first column (`out_row_stride` and `residual_row_stride`
/// floats further on): a 1x1 convolution whose input rows are dense but
/// whose output rows are apart (a padded buffer's interior) runs its
/// pixels as one row without a short tile at each row's end.
///
/// A depthwise tile (one block; `depthwise`) has the same arguments,
/// initialization and epilogue, but multiplies lanes by lanes: per tap, one
/// filter vector (the block's vl channels) times each pixel's input vector.
struct BlockedConvBuilder : KernelBuilder {
  BlockedConvBuilder(int64_t blocks, int64_t pixels, int64_t vl, bool strided,
                     bool depthwise, bool prefetch, OpBuilder &b, Location loc)
      : KernelBuilder(b, loc), blocks(blocks), pixels(pixels), vl(vl),
        strided(strided), depthwise(depthwise), prefetch(prefetch) {}

  int64_t blocks, pixels, vl;
  /// Whether the pixel step is the argument's; else vl (stride 1 on a
  /// blocked input), a constant, so that each pixel's broadcast is a
  /// constant offset LLVM folds into its FMA.
  bool strided;
  bool depthwise;
  /// Whether two more arguments, a pointer and a line count, ask the tile
  /// to bring that many cache lines from there into L2 per tap and input
  /// block it sums, consecutive lines from one to the next.
  bool prefetch;

  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }

  void build(func::FuncOp function) {
    auto args = start(function);
    Value kernelH = args[0], kernelW = args[1], inBlocks = args[2],
          filterBlocks = args[3], lanes = args[4], in = args[5],
          rowStep = args[6], colStep = args[7], blockStep = args[8],
          pixelStep = strided ? args[9] : index(vl), filter = args[10],
          filterStride = args[11],
          out = args[12], outStride = args[13], relu = args[14],
          start = args[15], bias = args[16], residual = args[17],
          residualStride = args[18], col0 = args[19], width = args[20],
          outRowStride = args[21], residualRowStride = args[22];
    Value prefetchFrom = prefetch ? args[23] : Value(),
          prefetchLines = prefetch ? args[24] : Value();
    auto vectorType = VectorType::get({vl}, b.getF32Type());
    // Raw views: the C driver keeps every index in bounds.
    Value unbounded = index(std::numeric_limits<int64_t>::max() / 8);
    Value inView = view(in, unbounded), filterView = view(filter, unbounded),
          outView = view(out, unbounded);
    Value prefetchView = prefetch ? view(prefetchFrom, unbounded) : Value();
    // Each pixel's offset from the tile's first one in the output and in
    // the residual: its row (past the first) times their row strides, plus
    // its column's distance from col0.
    SmallVector<Value> outPixel, residualPixel;
    {
      Value column = col0, row = index(0);
      Value vlIndex = index(vl);
      for (int64_t p = 0; p < pixels; ++p) {
        Value columnOffset =
            mul(arith::SubIOp::create(b, loc, column, col0), vlIndex);
        outPixel.push_back(add(mul(row, outRowStride), columnOffset));
        residualPixel.push_back(add(mul(row, residualRowStride), columnOffset));
        if (p + 1 == pixels)
          break;
        column = add(column, index(1));
        Value wraps = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                            column, width);
        column = arith::SelectOp::create(b, loc, wraps, index(0), column);
        row = arith::SelectOp::create(b, loc, wraps, add(row, index(1)), row);
      }
    }
    auto outElement = [&](int64_t block, int64_t pixel) {
      return add(mul(index(block), outStride), outPixel[pixel]);
    };
    auto isNull = [&](Value pointer) {
      return arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::eq,
          memref::ExtractAlignedPointerAsIndexOp::create(b, loc, pointer),
          index(0));
    };
    // Either the output's partial sums, or (the first run of input blocks)
    // the bias plus the residual, where given.
    SmallVector<Type> tileTypes(blocks * pixels, vectorType);
    Value fromOutput =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, start, index(0));
    auto initial = scf::IfOp::create(b, loc, tileTypes, fromOutput,
                                     /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(initial.thenBlock());
      SmallVector<Value> loaded;
      for (int64_t j = 0; j < blocks; ++j)
        for (int64_t p = 0; p < pixels; ++p)
          loaded.push_back(vector::LoadOp::create(
              b, loc, vectorType, outView, outElement(j, p)));
      scf::YieldOp::create(b, loc, loaded);
      b.setInsertionPointToStart(initial.elseBlock());
      // Loads of `count` vectors (per block) from `pointer`, or zeros when
      // it is null.
      auto loadOrZero = [&](Value pointer, int64_t count,
                            function_ref<Value(int64_t, int64_t)> at) {
        auto load = scf::IfOp::create(b, loc, SmallVector<Type>(blocks * count, vectorType),
                                      isNull(pointer), /*withElseRegion=*/true);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(load.thenBlock());
        scf::YieldOp::create(b, loc, SmallVector<Value>(blocks * count,
                                                        zeros(vectorType)));
        b.setInsertionPointToStart(load.elseBlock());
        Value pointerView = view(pointer, unbounded);
        SmallVector<Value> vectors;
        for (int64_t j = 0; j < blocks; ++j)
          for (int64_t p = 0; p < count; ++p)
            vectors.push_back(vector::LoadOp::create(b, loc, vectorType,
                                                     pointerView, at(j, p)));
        scf::YieldOp::create(b, loc, vectors);
        return load.getResults();
      };
      ValueRange biases = loadOrZero(bias, 1, [&](int64_t j, int64_t) {
        return index(j * vl);
      });
      ValueRange residuals = loadOrZero(residual, pixels, [&](int64_t j, int64_t p) {
        return add(mul(index(j), residualStride), residualPixel[p]);
      });
      SmallVector<Value> sums;
      for (int64_t j = 0; j < blocks; ++j)
        for (int64_t p = 0; p < pixels; ++p)
          sums.push_back(arith::AddFOp::create(b, loc, biases[j],
                                               residuals[j * pixels + p]));
      scf::YieldOp::create(b, loc, sums);
    }
    // Loops over kh, kw, the input blocks and their lanes (nested, not
    // one loop split by division: a division per tap costs a third of the
    // tap's FMAs).
    auto forEach = [&](Value count, ValueRange carried,
                       function_ref<SmallVector<Value>(Value, ValueRange)> body) {
      auto loop = scf::ForOp::create(
          b, loc, index(0), count, index(1), carried,
          [&](OpBuilder &, Location, Value i, ValueRange values) {
            scf::YieldOp::create(b, loc, body(i, values));
          });
      return SmallVector<Value>(loop.getResults());
    };
    SmallVector<Value> tile =
        forEach(kernelH, initial.getResults(), [&](Value kh, ValueRange a) {
      return forEach(kernelW, a, [&](Value kw, ValueRange a) {
        Value tap = add(mul(kh, kernelW), kw);
        Value tapBase = add(mul(kh, rowStep), mul(kw, colStep));
        if (depthwise) {
          // The filter is the block's [kh][kw][vl].
          Value weights = vector::LoadOp::create(b, loc, vectorType, filterView,
                                                 mul(tap, index(vl)));
          SmallVector<Value> updated(a);
          for (int64_t p = 0; p < pixels; ++p) {
            Value x = vector::LoadOp::create(
                b, loc, vectorType, inView, add(tapBase, mul(index(p), pixelStep)));
            updated[p] = vector::FMAOp::create(b, loc, x, weights, a[p]);
          }
          return updated;
        }
        return forEach(inBlocks, a, [&](Value block, ValueRange a) {
          Value inBase = add(tapBase, mul(block, blockStep));
          if (prefetch) {
            // The lines of this tap's input block: one float in 16 is a
            // line's start.
            Value firstLine =
                mul(add(mul(tap, inBlocks), block), prefetchLines);
            scf::ForOp::create(
                b, loc, index(0), prefetchLines, index(1), ValueRange(),
                [&](OpBuilder &, Location, Value line, ValueRange) {
                  memref::PrefetchOp::create(
                      b, loc, prefetchView,
                      ValueRange{mul(add(firstLine, line), index(16))},
                      /*isWrite=*/false, /*localityHint=*/2,
                      /*isDataCache=*/true);
                  scf::YieldOp::create(b, loc);
                });
          }
          // The filter holds every input block of a tap, the tile a run of
          // `inBlocks` of them.
          Value filterBase = mul(mul(add(mul(tap, filterBlocks), block), lanes),
                                 index(vl));
          auto laneStep = [&](Value lane, ValueRange sums) {
            Value filterAt = add(filterBase, mul(lane, index(vl)));
            SmallVector<Value> weights;
            for (int64_t j = 0; j < blocks; ++j)
              weights.push_back(vector::LoadOp::create(
                  b, loc, vectorType, filterView,
                  add(filterAt, mul(index(j), filterStride))));
            Value inAt = add(inBase, lane);
            SmallVector<Value> updated(sums);
            for (int64_t p = 0; p < pixels; ++p) {
              Value x = memref::LoadOp::create(
                  b, loc, inView, add(inAt, mul(index(p), pixelStep)));
              Value splat = vector::BroadcastOp::create(b, loc, vectorType, x);
              for (int64_t j = 0; j < blocks; ++j)
                updated[j * pixels + p] = vector::FMAOp::create(
                    b, loc, splat, weights[j], sums[j * pixels + p]);
            }
            return updated;
          };
          // An NCHW input (one-lane blocks, only ever through the strided
          // tiles: its pixels are 1 float apart, not vl) takes one step per
          // block and tap, without a loop of one iteration around it:
          // GoogLeNet's 7x7 stride-2 stem on 3 channels 1.66 -> 1.55 ms.
          if (!strided)
            return forEach(lanes, a, laneStep);
          auto oneLane = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::eq, lanes, index(1));
          auto byLanes = scf::IfOp::create(b, loc, tileTypes, oneLane,
                                           /*withElseRegion=*/true);
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(byLanes.thenBlock());
          scf::YieldOp::create(b, loc, laneStep(index(0), a));
          b.setInsertionPointToStart(byLanes.elseBlock());
          scf::YieldOp::create(b, loc, forEach(lanes, a, laneStep));
          return SmallVector<Value>(byLanes.getResults());
        });
      });
    });
    Value withRelu =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, relu, index(0));
    for (int64_t j = 0; j < blocks; ++j)
      for (int64_t p = 0; p < pixels; ++p) {
        Value x = tile[j * pixels + p];
        // x > 0 ? x : 0 (NaN becomes 0, as in the other epilogues).
        Value positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                               x, zeros(vectorType));
        Value rectified =
            arith::SelectOp::create(b, loc, positive, x, zeros(vectorType));
        x = arith::SelectOp::create(b, loc, withRelu, rectified, x);
        vector::StoreOp::create(b, loc, x, outView, outElement(j, p));
      }
    func::ReturnOp::create(b, loc);
  }
};

} // namespace

void buildBlockedConvTile(func::FuncOp function, OpBuilder &builder,
                          Location loc, int64_t blocks, int64_t pixels,
                          int64_t vl, bool strided, bool depthwise,
                          bool prefetch) {
  BlockedConvBuilder(blocks, pixels, vl, strided, depthwise, prefetch, builder,
                     loc)
      .build(function);
}

} // namespace mlir::inception

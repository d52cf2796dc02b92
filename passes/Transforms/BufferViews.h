//===- BufferViews.h - Buffers, their views and static layouts --*- C++ -*-===//
//
// What the passes on bufferized IR (elide-concat, microkernels) need to
// know about a memref value: the buffer it is a view of, and its static
// strides and offset.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_TRANSFORMS_BUFFERVIEWS_H
#define INCEPTION_PASSES_TRANSFORMS_BUFFERVIEWS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <optional>

namespace mlir::inception {

/// The buffer a value is a view of, through views of any kind.
Value rootBuffer(Value value);

struct StaticLayout {
  SmallVector<int64_t> strides;
  int64_t offset;
};

/// The strides and offset (in elements) of a statically shaped memref with
/// a static strided layout; nothing for anything else.
std::optional<StaticLayout> staticLayout(Value value);

} // namespace mlir::inception

#endif // INCEPTION_PASSES_TRANSFORMS_BUFFERVIEWS_H

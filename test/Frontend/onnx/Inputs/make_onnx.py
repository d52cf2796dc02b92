"""Writes the ONNX files of the importer's lit tests:

    python3 make_onnx.py CASE OUT.onnx

`all-ops` is a small network using every op the importer supports; the
other cases are malformed or unsupported files, each wrong in one way.
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)


def weight(name, *shape):
    return numpy_helper.from_array(
        rng.standard_normal(shape).astype(np.float32), name)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, np.int64), name)


def model(nodes, initializers=(), inputs=None, outputs=None, opset=13):
    inputs = inputs or [helper.make_tensor_value_info(
        "image", TensorProto.FLOAT, [1, 4, 9, 9])]
    outputs = outputs or [helper.make_tensor_value_info(
        "y", TensorProto.FLOAT, None)]
    graph = helper.make_graph(nodes, "net", inputs, outputs,
                              list(initializers))
    return helper.make_model(graph, producer_name="make_onnx",
                             opset_imports=[helper.make_opsetid("", opset)])


def conv(name, x, w, out, **attrs):
    return helper.make_node("Conv", [x, w], [out], name=name, **attrs)


def all_ops():
    n = helper.make_node
    nodes = [
        n("Conv", ["image", "c1.w", "c1.b"], ["c1"], name="/stem/conv/Conv",
          kernel_shape=[3, 3], strides=[2, 2], pads=[0, 1, 1, 0]),
        n("BatchNormalization", ["c1", "bn.s", "bn.b", "bn.m", "bn.v"],
          ["bn"], name="/stem/bn/BatchNormalization", epsilon=1e-3),
        n("Relu", ["bn"], ["r1"], name="/stem/Relu"),
        n("Clip", ["r1", "zero", "six"], ["r6"], name="/stem/Clip"),
        n("Conv", ["r6", "dw.w"], ["dw"], name="/dw/Conv", group=8,
          auto_pad="SAME_UPPER"),
        n("MaxPool", ["dw"], ["mp"], name="/MaxPool", kernel_shape=[3, 3],
          strides=[2, 2], ceil_mode=1),
        n("Pad", ["r1", "pads"], ["padded"], name="/pool/Pad",
          mode="constant"),
        n("AveragePool", ["padded"], ["ap"], name="/pool/AveragePool",
          kernel_shape=[3, 3], strides=[2, 2]),
        n("Concat", ["mp", "ap"], ["cat"], name="/mixed/Concat", axis=1),
        n("LRN", ["cat"], ["lrn"], name="/LRN", size=5, alpha=2e-4,
          beta=0.75, bias=2.0),
        n("Mul", ["lrn", "factor"], ["scaled"], name="/Mul"),
        n("Add", ["scaled", "cat"], ["sum"], name="/Add"),
        n("Identity", ["sum"], ["same"], name="Identity_0"),
        n("GlobalAveragePool", ["same"], ["gap"], name="/GlobalAveragePool"),
        n("Reshape", ["gap", "shape"], ["flat"], name="/Reshape"),
        n("Dropout", ["flat"], ["drop"], name="/Dropout"),
        n("Gemm", ["drop", "fc.w", "fc.b"], ["fc"], name="/fc/Gemm",
          alpha=0.5, transB=0),
        n("Softmax", ["fc"], ["y"], name="/Softmax", axis=1),
    ]
    initializers = [
        weight("c1.w", 8, 4, 3, 3), weight("c1.b", 8),
        weight("bn.s", 8), weight("bn.b", 8), weight("bn.m", 8),
        numpy_helper.from_array(rng.uniform(0.5, 1.5, 8).astype(np.float32),
                                "bn.v"),
        weight("dw.w", 8, 1, 3, 3),
        numpy_helper.from_array(np.array(0, np.float32), "zero"),
        numpy_helper.from_array(np.array(6, np.float32), "six"), ints("pads", [0, 0, 1, 1, 0, 0, 1, 1]),
        numpy_helper.from_array(np.array(0.25, np.float32), "factor"),
        ints("shape", [0, -1]), weight("fc.w", 16, 10), weight("fc.b", 10),
    ]
    return model(nodes, initializers)


def repeated():
    """Modules /mix1, /mix2, /mix3 of one structure (the channel counts
    differ, a depthwise convolution's out and groups vary together),
    /leak1, /leak2, alike but read from outside before their end, and a
    chain /chain/chain.0 .. 3, each module reading the one before."""
    n = helper.make_node
    nodes, initializers = [], []
    x, channels = "image", 4
    for i, out in enumerate((8, 8, 16), start=1):
        nodes += [
            n("Conv", [x, f"mix{i}.dw"], [f"m{i}d"], name=f"/mix{i}/dw/Conv",
              group=channels, pads=[1, 1, 1, 1]),
            n("Conv", [f"m{i}d", f"mix{i}.pw", f"mix{i}.b"], [f"m{i}p"],
              name=f"/mix{i}/pw/Conv"),
            n("Relu", [f"m{i}p"], [f"m{i}r"], name=f"/mix{i}/Relu"),
            n("MaxPool", [x], [f"m{i}m"], name=f"/mix{i}/pool/MaxPool",
              kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
            n("Concat", [f"m{i}r", f"m{i}m"], [f"m{i}"], name=f"/mix{i}/Concat",
              axis=1),
        ]
        initializers += [weight(f"mix{i}.dw", channels, 1, 3, 3),
                         weight(f"mix{i}.pw", out, channels, 1, 1),
                         weight(f"mix{i}.b", out)]
        x, channels = f"m{i}", out + channels
    for i in (1, 2):
        nodes += [n("Relu", [x], [f"l{i}a"], name=f"/leak{i}/Relu"),
                  n("Relu", [f"l{i}a"], [f"l{i}b"], name=f"/leak{i}/Relu_1"),
                  n("Add", [f"l{i}b", f"l{i}a"], [f"l{i}"], name=f"/Add_{i}")]
        x = f"l{i}"
    for i in range(4):
        scope = f"/chain/chain.{i}"
        nodes += [n("Relu", [x], [f"c{i}r"], name=f"{scope}/Relu"),
                  n("Conv", [f"c{i}r", f"chain.{i}.w"], [f"c{i}"],
                    name=f"{scope}/conv/Conv")]
        initializers.append(weight(f"chain.{i}.w", channels, channels, 1, 1))
        x = f"c{i}"
    nodes.append(n("Relu", [x], ["y"], name="/Relu"))
    return model(nodes, initializers)


def constant_operands():
    """Add, Sum and Concat reading constants, one of them twice."""
    n = helper.make_node
    nodes = [n("Add", ["image", "offset"], ["a"], name="/shift/Add"),
             n("Sum", ["a", "offset", "image"], ["s"], name="/Sum"),
             n("Concat", ["s", "extra"], ["y"], name="/Concat", axis=1)]
    return model(nodes, [weight("offset", 1, 4, 9, 9), weight("extra", 1, 2, 9, 9)])


def relu_model(**graph_changes):
    nodes = [helper.make_node("Relu", ["image"], ["y"], name="/Relu")]
    return model(nodes, **graph_changes)


def malformed(case):
    n = helper.make_node
    w = weight("w", 4, 4, 3, 3)
    if case == "missing-initializer":
        return model([conv("/conv/Conv", "image", "w", "y")])
    if case == "unknown-op":
        return model([n("Relu", ["image"], ["r"], name="/Relu"),
                      n("HardSwish", ["r"], ["y"], name="/act/HardSwish")])
    if case == "attribute-type":
        return model([conv("/conv/Conv", "image", "w", "y",
                           strides=[1.5, 1.5])], [w])
    if case == "cycle":
        return model([n("Relu", ["image", "b"], ["a"], name="/a/Relu"),
                      n("Relu", ["a"], ["b"], name="/b/Relu"),
                      n("Relu", ["b"], ["y"], name="/y/Relu")])
    if case == "two-inputs":
        return model([n("Add", ["image", "other"], ["y"], name="/Add")],
                     inputs=[helper.make_tensor_value_info(
                         name, TensorProto.FLOAT, [1, 4, 9, 9])
                         for name in ("image", "other")])
    if case == "symbolic-extent":
        return relu_model(inputs=[helper.make_tensor_value_info(
            "image", TensorProto.FLOAT, [1, "channels", 9, 9])])
    if case == "int-input":
        return relu_model(inputs=[helper.make_tensor_value_info(
            "image", TensorProto.INT32, [1, 4, 9, 9])])
    if case == "raw-data-size":
        bad = weight("w", 4, 4, 3, 3)
        bad.raw_data = bad.raw_data[:-4]
        return model([conv("/conv/Conv", "image", "w", "y")], [bad])
    if case == "huge-dims":
        bad = onnx.TensorProto(name="w", data_type=TensorProto.FLOAT,
                               dims=[1 << 31, 1 << 31, 4, 4])
        return model([conv("/conv/Conv", "image", "w", "y")], [bad])
    if case == "external-data":
        bad = weight("w", 4, 4, 3, 3)
        bad.data_location = TensorProto.EXTERNAL
        entry = bad.external_data.add()
        entry.key, entry.value = "location", "/etc/passwd"
        return model([conv("/conv/Conv", "image", "w", "y")], [bad])
    if case == "weight-mismatch":
        return model([conv("/conv/Conv", "image", "w", "y")],
                     [weight("w", 4, 3, 3, 3)])
    if case == "even-lrn":
        return model([n("LRN", ["image"], ["y"], name="/LRN", size=4)])
    if case == "lrn-negative-alpha":
        return model([n("LRN", ["image"], ["y"], name="/LRN", size=5,
                        alpha=-1e-4)])
    if case == "empty-weight":
        return model([conv("/conv/Conv", "image", "w", "y")],
                     [numpy_helper.from_array(np.zeros((0, 4, 1, 1), np.float32), "w")])
    if case == "producer-newline":
        m = relu_model()
        m.producer_name = "evil\nmodel not_a_comment {"
        return m
    if case == "undefined-output":
        return relu_model(outputs=[helper.make_tensor_value_info(
            "nowhere", TensorProto.FLOAT, None)])
    if case == "no-opset":
        m = relu_model()
        del m.opset_import[:]
        return m
    if case == "training-bn":
        return model([n("BatchNormalization", ["image", "s", "b", "m", "v"],
                        ["y"], name="/bn", training_mode=1)],
                     [weight(k, 4) for k in "sbmv"], opset=15)
    if case == "reflect-pad":
        return model([n("Pad", ["image", "p"], ["y"], name="/Pad",
                        mode="reflect")],
                     [ints("p", [0, 0, 1, 1, 0, 0, 1, 1])])
    if case == "pad-then-relu":
        return model([n("Pad", ["image", "p"], ["q"], name="/Pad"),
                      n("Relu", ["q"], ["y"], name="/Relu")],
                     [ints("p", [0, 0, 1, 1, 0, 0, 1, 1])])
    if case == "defined-twice":
        return model([n("Relu", ["image"], ["a"], name="/one/Relu"),
                      n("Relu", ["image"], ["a"], name="/two/Relu"),
                      n("Relu", ["a"], ["y"], name="/y/Relu")])
    raise SystemExit(f"unknown case {case}")


def main():
    case, out = sys.argv[1], sys.argv[2]
    if case == "truncated":
        data = all_ops().SerializeToString()
        with open(out, "wb") as f:
            f.write(data[: len(data) // 2])
        return
    if case == "not-onnx":
        with open(out, "wb") as f:
            f.write(b"\xff\xff\xff\xff not a protobuf at all")
        return
    m = {"all-ops": all_ops, "repeated": repeated,
         "constant-operands": constant_operands}.get(
        case, lambda: malformed(case))()
    with open(out, "wb") as f:
        f.write(m.SerializeToString())


if __name__ == "__main__":
    main()

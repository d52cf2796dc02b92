"""The Python package (python/inception) against the compiler and runtime of
the build tree: INCEPTIONC and INCEPTION_RUNTIME name them (test/CMakeLists.txt
sets both; python/ is on sys.path through PYTHONPATH).

    INCEPTIONC=build/bin/inceptionc \
    INCEPTION_RUNTIME=build/runtime/libinception_runtime.so \
    PYTHONPATH=python /usr/bin/python3 -m pytest test/python
"""

import ctypes
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import numpy as np
import pytest

import inception

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TINY = os.path.join(ROOT, "test", "Frontend", "Inputs", "tiny.inception")
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
import tiny_weights  # noqa: E402
import safetensors_io  # noqa: E402


def reference(x):
    """tiny.inception with tiny_weights' tensors, in NumPy: a 1x1
    convolution, batch norm (mean 0, variance 1, epsilon 1e-5), global
    average pool, dense."""
    w = tiny_weights.tensors()
    conv = np.einsum("oi,nihw->nohw", w["conv.weight"][:, :, 0, 0], x)
    conv += w["conv.bias"][None, :, None, None]
    bn = conv / np.sqrt(1.0 + 1e-5)
    pooled = bn.mean(axis=(2, 3))
    return pooled @ w["fc.weight"].T + w["fc.bias"]


@pytest.fixture(scope="module")
def weights_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("weights") / "tiny.safetensors"
    safetensors_io.save(tiny_weights.tensors(), str(path))
    return str(path)


@pytest.fixture(scope="module")
def built_in(tmp_path_factory, weights_file):
    folder = tmp_path_factory.mktemp("built_in")
    return inception.compile(TINY, str(folder / "libtiny.so"), weights=weights_file)


@pytest.fixture(scope="module")
def at_load(tmp_path_factory):
    folder = tmp_path_factory.mktemp("at_load")
    return inception.compile(TINY, str(folder / "libtiny.so"), weights_at_load=True)


def random_input(seed=0):
    return np.random.default_rng(seed).standard_normal((1, 2, 4, 4)).astype(np.float32)


def test_model_describes_its_tensors(built_in):
    model = inception.Model(built_in)
    assert model.name == "tiny"
    assert [(t.name, t.shape) for t in model.inputs] == [("x", (1, 2, 4, 4))]
    assert [(t.name, t.shape) for t in model.outputs] == [("y", (1, 2))]
    assert not model.takes_weights


def test_run_matches_numpy(built_in):
    model = inception.Model(built_in)
    x = random_input()
    y = model.run(x)
    assert y.dtype == np.float32 and y.shape == (1, 2)
    np.testing.assert_allclose(y, reference(x), rtol=1e-5, atol=1e-5)


def test_run_into_a_given_array_and_from_any_layout(built_in):
    model = inception.Model(built_in)
    x = random_input(1)
    out = np.full((1, 2), np.nan, dtype=np.float32)
    assert model.run(x, out=out) is out
    np.testing.assert_allclose(out, reference(x), rtol=1e-5, atol=1e-5)
    # Float64 and a transposed (non-contiguous) view are converted.
    transposed = np.ascontiguousarray(x.transpose(0, 1, 3, 2)).transpose(0, 1, 3, 2)
    assert not transposed.flags.c_contiguous
    np.testing.assert_allclose(model.run(transposed.astype(np.float64)),
                               reference(x), rtol=1e-5, atol=1e-5)


def test_wrong_shapes_and_outputs_are_errors(built_in):
    model = inception.Model(built_in)
    with pytest.raises(inception.InceptionError, match=r"shape \(1, 2, 4, 5\)") as error:
        model.run(np.zeros((1, 2, 4, 5), np.float32))
    assert error.value.status == inception.ERROR_SHAPE
    with pytest.raises(inception.InceptionError, match="float32"):
        model.run(random_input(), out=np.zeros((1, 2), np.float64))
    with pytest.raises(inception.InceptionError, match="not contiguous"):
        model.run(random_input(), out=np.zeros((1, 4), np.float32)[:, ::2])
    with pytest.raises(TypeError):
        model.run(random_input(), out=[0.0, 0.0])


def test_runtime_errors_carry_the_runtimes_message(tmp_path):
    missing = tmp_path / "libmissing.so"
    with pytest.raises(inception.InceptionError) as error:
        inception.Model(missing)
    assert error.value.status == 5  # INCEPTION_ERROR_LOAD
    assert str(missing) in str(error.value)


def test_thread_counts(built_in):
    model = inception.Model(built_in)
    x = random_input(2)
    for threads in (1, 2, 3):
        np.testing.assert_allclose(model.run(x, threads=threads), reference(x),
                                   rtol=1e-5, atol=1e-5)
    with pytest.raises(inception.InceptionError) as error:
        model.context(threads=-1)
    assert error.value.status == inception.ERROR_INVALID_ARGUMENT
    with pytest.raises(TypeError):
        model.context().set_num_threads(1.5)


def test_many_threads_on_one_model(built_in):
    model = inception.Model(built_in)
    inputs = [random_input(seed) for seed in range(16)]
    results = [None] * len(inputs)
    failures = []

    def work(index):
        try:
            for _ in range(25):
                results[index] = model.run(inputs[index])
        except Exception as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(inputs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    for x, y in zip(inputs, results):
        np.testing.assert_allclose(y, reference(x), rtol=1e-5, atol=1e-5)


def test_weights_at_load(at_load, weights_file):
    model = inception.Model(at_load)
    assert model.takes_weights
    x = random_input(3)
    # Without a weight set the run fails with the runtime's status.
    with pytest.raises(inception.InceptionError) as error:
        model.context().run(x)
    assert error.value.status == 9  # INCEPTION_ERROR_WEIGHTS
    weights = model.load_weights(weights_file)
    np.testing.assert_allclose(model.run(x, weights=weights), reference(x),
                               rtol=1e-5, atol=1e-5)
    # A second weight set, from memory, doubled: another context reads it.
    doubled = tiny_weights.tensors()
    doubled["fc.weight"] = doubled["fc.weight"] * 2
    image = os.path.join(os.path.dirname(weights_file), "doubled.safetensors")
    safetensors_io.save(doubled, image)
    with open(image, "rb") as file:
        other = model.load_weights(data=file.read())
    context = model.context(weights=other)
    np.testing.assert_allclose(context.run(x), 2 * reference(x), rtol=1e-5, atol=1e-5)
    # A broken file: the runtime's message names the key.
    broken = os.path.join(os.path.dirname(weights_file), "missing.safetensors")
    subprocess.run([sys.executable, tiny_weights.__file__, "missing", broken], check=True)
    with pytest.raises(inception.InceptionError, match="conv.bias"):
        model.load_weights(broken)
    # A weight set of another model is refused.
    with pytest.raises(inception.InceptionError):
        inception.Model(at_load).context(weights=weights)


def test_compile_errors(tmp_path):
    bad = tmp_path / "bad.inception"
    bad.write_text("model bad {\n  input x: f32[1, 2, 4, 4]\n  output y = nope(x)\n}\n")
    with pytest.raises(inception.InceptionError, match="bad.inception:3"):
        inception.compile(bad, str(tmp_path / "libbad.so"), random_weights=1)
    with pytest.raises(ValueError, match="exactly one"):
        inception.compile(TINY, random_weights=1, weights_at_load=True)
    with pytest.raises(ValueError):
        inception.compile(TINY, random_weights=1, opt=4)


def test_compile_an_onnx_file(tmp_path):
    # PyTorch (in the test setup) writes the ONNX file; its initializers are
    # the weights.
    import torch
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1),
                              torch.nn.ReLU6(),
                              torch.nn.AdaptiveAvgPool2d(1),
                              torch.nn.Flatten(),
                              torch.nn.Linear(8, 5)).eval()
    x = torch.randn(1, 3, 9, 9)
    path = tmp_path / "net.onnx"
    torch.onnx.export(net, x, str(path), opset_version=13)
    library = inception.compile(path, str(tmp_path / "libnet.so"))
    with torch.no_grad():
        expected = net(x).numpy()
    y = inception.Model(library).run(x.numpy())
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="carries its weights"):
        inception.compile(path, weights="w.safetensors")


def test_installs_offline(tmp_path, built_in):
    # README's commands: a virtual environment that sees Debian's NumPy and
    # pip (Debian's own Python refuses installs, PEP 668), the package
    # installed with no index. From a copy, so that the build leaves nothing
    # in the source tree.
    source = tmp_path / "source"
    shutil.copytree(os.path.join(ROOT, "python"), source,
                    ignore=shutil.ignore_patterns("__pycache__", "examples"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages",
                    "--without-pip", str(venv)], check=True, capture_output=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "--no-index",
                    "--no-build-isolation", str(source)], check=True,
                   capture_output=True)
    code = ("import sys, numpy as np, inception; m = inception.Model(sys.argv[1]); "
            "print(inception.__file__.startswith(sys.argv[2]), "
            "m.run(np.zeros(m.input_shape, np.float32)).shape)")
    environment = {key: value for key, value in os.environ.items()
                   if key != "PYTHONPATH"}
    printed = subprocess.run([python, "-c", code, built_in, str(venv)],
                             env=environment, check=True, capture_output=True,
                             text=True).stdout
    assert printed.strip() == "True (1, 2)"


def test_serving_example(built_in):
    sys.path.insert(0, os.path.join(ROOT, "python", "examples"))
    import serve  # noqa: E402
    server = serve.make_server(built_in, port=0, host="127.0.0.1")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with urllib.request.urlopen(base + "/") as reply:
            assert json.load(reply)["inputs"][0]["shape"] == [1, 2, 4, 4]

        def post(body):
            request = urllib.request.Request(base + "/run", data=body, method="POST")
            with urllib.request.urlopen(request) as reply:
                return np.load(io.BytesIO(reply.read()))

        inputs = [random_input(seed) for seed in range(8)]
        outputs = [None] * len(inputs)

        def client(index):
            buffer = io.BytesIO()
            np.save(buffer, inputs[index])
            outputs[index] = post(buffer.getvalue())

        clients = [threading.Thread(target=client, args=(i,)) for i in range(len(inputs))]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        for x, y in zip(inputs, outputs):
            np.testing.assert_allclose(y, reference(x), rtol=1e-5, atol=1e-5)
        # Raw float32 bytes work too; a wrong size is a 400 with the reason.
        x = random_input(9)
        np.testing.assert_allclose(post(x.tobytes()), reference(x), rtol=1e-5, atol=1e-5)
        with pytest.raises(urllib.error.HTTPError) as error:
            post(b"\0" * 12)
        assert error.value.code == 400
        assert b"(1, 2, 4, 4)" in error.value.read()
    finally:
        server.shutdown()
        server.server_close()


def test_runs_release_the_gil():
    # ctypes releases the GIL around a CDLL function's call, but not a
    # PyDLL's (FUNCFLAG_PYTHONAPI): the runs must be the former for threads
    # to run in parallel.
    run = inception._lib().inception_run
    assert not run._flags_ & ctypes._FUNCFLAG_PYTHONAPI


def test_a_contiguous_float32_input_is_read_in_place(built_in, monkeypatch):
    # The pointer the runtime gets is the array's own data, not a copy's;
    # another layout's is a converted copy's.
    model = inception.Model(built_in)
    runtime = inception._lib()
    seen = []

    class Recording:
        def __getattr__(self, name):
            return getattr(runtime, name)

        def inception_run(self, context, input, n_in, output, n_out):
            seen.append(ctypes.cast(input, ctypes.c_void_p).value)
            return runtime.inception_run(context, input, n_in, output, n_out)

    monkeypatch.setattr(inception, "_lib", lambda: Recording())
    x = random_input(4)
    model.run(x)
    model.run(x.astype(np.float64))
    assert seen[0] == x.ctypes.data
    assert seen[1] != x.ctypes.data

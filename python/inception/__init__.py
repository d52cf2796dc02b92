"""Compiled Inception models from Python.

    import numpy as np
    import inception

    library = inception.compile("models/googlenet.inception",
                                weights="googlenet.safetensors")
    model = inception.Model(library)
    logits = model.run(np.zeros(model.input_shape, np.float32))

A thin layer over the runtime's C library (libinception_runtime.so, through
ctypes): a `Model` is a loaded library, a `Context` one workspace (runs in
one context are sequential; any number of contexts run at once), `Weights`
a weight set for a library compiled with load-time weights. `Model.run`
keeps one context per Python thread, so threads that share a model run in
parallel: the runtime is called without the GIL. Failures raise
`InceptionError` with the runtime's status and message.

The runtime library is found through $INCEPTION_RUNTIME (its path), next to
this package, or on the loader's search path; `compile` runs `inceptionc`
from $INCEPTIONC or PATH.
"""

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import threading

import numpy as np

__all__ = ["InceptionError", "Model", "Context", "Weights", "TensorInfo",
           "compile"]

# inception_status (runtime/include/inception/model_abi.h).
OK = 0
ERROR_SHAPE = 4
ERROR_INVALID_ARGUMENT = 7


class InceptionError(RuntimeError):
    """A failure of the runtime or the compiler: `status` is the runtime's
    status code (None for the compiler's), the message its details."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class _TensorInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_char_p),
                ("rank", ctypes.c_int32),
                ("shape", ctypes.POINTER(ctypes.c_int64))]


class _ModelInfo(ctypes.Structure):
    # The leading fields of inception_model_info, the ones read here.
    _fields_ = [("abi_version", ctypes.c_uint32),
                ("compiler_version", ctypes.c_char_p),
                ("name", ctypes.c_char_p),
                ("num_inputs", ctypes.c_int32),
                ("inputs", ctypes.POINTER(_TensorInfo)),
                ("num_outputs", ctypes.c_int32),
                ("outputs", ctypes.POINTER(_TensorInfo))]


class TensorInfo:
    """An input or output of a model: its name in the model file and its
    NCHW shape."""

    def __init__(self, name, shape):
        self.name = name
        self.shape = shape

    def __repr__(self):
        return f"TensorInfo({self.name!r}, {self.shape})"


_runtime = None
_runtime_lock = threading.Lock()


def _runtime_path():
    path = os.environ.get("INCEPTION_RUNTIME")
    if path:
        return path
    here = os.path.dirname(os.path.abspath(__file__))
    for name in ("libinception_runtime.so.0", "libinception_runtime.so"):
        if os.path.exists(os.path.join(here, name)):
            return os.path.join(here, name)
    found = ctypes.util.find_library("inception_runtime")
    if found:
        return found
    raise InceptionError(
        None, "libinception_runtime.so not found: set INCEPTION_RUNTIME to its "
        "path (build/runtime/libinception_runtime.so in a build tree), or "
        "install the runtime (cmake --install)")


def _lib():
    global _runtime
    with _runtime_lock:
        if _runtime is None:
            path = _runtime_path()
            try:
                lib = ctypes.CDLL(path)
            except OSError as error:
                raise InceptionError(None, f"cannot load the runtime {path}: "
                                     f"{error}") from None
            p, i32, size = ctypes.c_void_p, ctypes.c_int32, ctypes.c_size_t
            floats = ctypes.POINTER(ctypes.c_float)
            signatures = {
                "inception_model_load": (i32, [ctypes.c_char_p, ctypes.POINTER(p)]),
                "inception_model_free": (None, [p]),
                "inception_model_get_info": (ctypes.POINTER(_ModelInfo), [p]),
                "inception_model_takes_weights": (i32, [p]),
                "inception_model_load_weights": (i32, [p, ctypes.c_char_p,
                                                       ctypes.POINTER(p)]),
                "inception_model_load_weights_from_memory": (
                    i32, [p, ctypes.c_char_p, size, ctypes.POINTER(p)]),
                "inception_weights_free": (None, [p]),
                "inception_context_create": (i32, [p, ctypes.POINTER(p)]),
                "inception_context_free": (None, [p]),
                "inception_context_set_num_threads": (i32, [p, ctypes.c_int]),
                "inception_context_set_weights": (i32, [p, p]),
                "inception_run": (i32, [p, floats, size, floats, size]),
                "inception_status_string": (ctypes.c_char_p, [ctypes.c_int]),
                "inception_last_error": (ctypes.c_char_p, []),
            }
            for name, (result, arguments) in signatures.items():
                function = getattr(lib, name)
                function.restype = result
                function.argtypes = arguments
            _runtime = lib
        return _runtime


def _check(status):
    if status != OK:
        lib = _lib()
        message = (lib.inception_last_error() or b"").decode(errors="replace")
        if not message:
            message = lib.inception_status_string(status).decode(errors="replace")
        raise InceptionError(status, message)


def _tensors(pointer, count):
    return [TensorInfo(pointer[i].name.decode(),
                       tuple(pointer[i].shape[d] for d in range(pointer[i].rank)))
            for i in range(count)]


class _Owned:
    """A runtime object, what frees it, and the objects it needs alive (a
    context: its model and weight set). It is freed after everything that
    depends on it, whatever order Python finalizes them in (the garbage
    collector finalizes a cycle's objects in any order: a traceback's
    frames holding a model and its context)."""

    def __init__(self, pointer, free, *parents):
        self.pointer = pointer
        self._free = free
        self._parents = []
        self._dependents = 0
        self._finalized = False
        for parent in parents:
            self.depend_on(parent)

    def depend_on(self, parent):
        parent._dependents += 1
        self._parents.append(parent)

    def release(self, parent):
        """Stops depending on `parent` (a context's previous weight set)."""
        self._parents.remove(parent)
        parent._dependent_gone()

    def _dependent_gone(self):
        self._dependents -= 1
        if self._finalized and self._dependents == 0:
            self._destroy()

    def _destroy(self):
        if self.pointer:
            self._free(self.pointer)
            self.pointer = None
        parents, self._parents = self._parents, []
        for parent in parents:
            parent._dependent_gone()

    def __del__(self):
        self._finalized = True
        if self._dependents == 0:
            self._destroy()


class Model:
    """A library written by `inceptionc` (or `compile`), loaded."""

    def __init__(self, path):
        lib = _lib()
        handle = ctypes.c_void_p()
        _check(lib.inception_model_load(os.fsencode(os.fspath(path)),
                                        ctypes.byref(handle)))
        self._owned = _Owned(handle, lib.inception_model_free)
        info = lib.inception_model_get_info(handle).contents
        self.name = info.name.decode()
        self.inputs = _tensors(info.inputs, info.num_inputs)
        self.outputs = _tensors(info.outputs, info.num_outputs)
        self.takes_weights = bool(lib.inception_model_takes_weights(handle))
        self._local = threading.local()

    @property
    def input_shape(self):
        return self.inputs[0].shape

    @property
    def output_shape(self):
        return self.outputs[0].shape

    def load_weights(self, path=None, *, data=None):
        """A weight set from a safetensors file (`path`) or image in memory
        (`data`, bytes), for a library compiled with load-time weights."""
        if (path is None) == (data is None):
            raise ValueError("give exactly one of path and data")
        lib = _lib()
        handle = ctypes.c_void_p()
        model = self._owned.pointer
        if path is not None:
            _check(lib.inception_model_load_weights(
                model, os.fsencode(os.fspath(path)), ctypes.byref(handle)))
        else:
            data = bytes(data)
            _check(lib.inception_model_load_weights_from_memory(
                model, data, len(data), ctypes.byref(handle)))
        return Weights(self, handle)

    def context(self, threads=0, weights=None):
        """A new execution context: its own workspace, run on `threads`
        threads (0: the library's default), reading `weights`."""
        return Context(self, threads, weights)

    def run(self, input, out=None, *, threads=None, weights=None):
        """Runs the model on `input` in this thread's own context (created on
        first use); `threads` and `weights`, when given, set that context's
        thread count and weight set for this and later runs."""
        context = getattr(self._local, "context", None)
        if context is None:
            context = self._local.context = Context(self, 0, None)
        if threads is not None:
            context.set_num_threads(threads)
        if weights is not None:
            context.set_weights(weights)
        return context.run(input, out)

    def __repr__(self):
        return (f"Model({self.name!r}, inputs={self.inputs}, "
                f"outputs={self.outputs})")


class Weights:
    """A weight set loaded for one model; contexts that read it keep it."""

    def __init__(self, model, handle):
        self._model = model._owned
        self._owned = _Owned(handle, _lib().inception_weights_free, model._owned)


class Context:
    """One workspace of a model: runs in it are sequential (use one per
    thread, as `Model.run` does)."""

    def __init__(self, model, threads=0, weights=None):
        # Shapes and names only: the context keeps the model's runtime
        # object alive, not the Model (whose per-thread contexts refer here).
        self._name = model.name
        self._inputs, self._outputs = model.inputs, model.outputs
        handle = ctypes.c_void_p()
        lib = _lib()
        _check(lib.inception_context_create(model._owned.pointer,
                                            ctypes.byref(handle)))
        self._owned = _Owned(handle, lib.inception_context_free, model._owned)
        self._model = model._owned
        self._weights = None
        if threads:
            self.set_num_threads(threads)
        if weights is not None:
            self.set_weights(weights)

    def set_num_threads(self, threads):
        if not isinstance(threads, int) or isinstance(threads, bool):
            raise TypeError(f"the thread count is an int, not {threads!r}")
        _check(_lib().inception_context_set_num_threads(self._owned.pointer,
                                                        threads))

    def set_weights(self, weights):
        if not isinstance(weights, Weights):
            raise TypeError(f"expected inception.Weights, not {type(weights).__name__}")
        if weights._model is not self._model:
            raise InceptionError(ERROR_INVALID_ARGUMENT,
                                 "the weight set was loaded for another Model")
        _check(_lib().inception_context_set_weights(self._owned.pointer,
                                                    weights._owned.pointer))
        # The context reads the set from now on: it keeps it alive.
        if self._weights is not None:
            self._owned.release(self._weights)
        self._owned.depend_on(weights._owned)
        self._weights = weights._owned

    def run(self, input, out=None):
        """The model's output for `input`, which is read in place when it is
        a C-contiguous float32 array (else converted); into `out` when
        given (a C-contiguous, writable float32 array of the output's
        shape), else into a new array."""
        input_shape, output_shape = self._inputs[0].shape, self._outputs[0].shape
        array = np.ascontiguousarray(input, dtype=np.float32)
        if array.shape != input_shape:
            raise InceptionError(
                ERROR_SHAPE, f"input of shape {array.shape} for {self._name}'s "
                f"input '{self._inputs[0].name}' of shape {input_shape}")
        if out is None:
            out = np.empty(output_shape, dtype=np.float32)
        elif not isinstance(out, np.ndarray):
            raise TypeError(f"out is a numpy array, not {type(out).__name__}")
        elif (out.dtype != np.float32 or not out.flags.c_contiguous
              or not out.flags.writeable or out.shape != output_shape):
            raise InceptionError(
                ERROR_SHAPE, f"out must be a writable C-contiguous float32 array "
                f"of shape {output_shape}, not {out.dtype} {out.shape}"
                f"{'' if out.flags.c_contiguous else ' (not contiguous)'}")
        floats = ctypes.POINTER(ctypes.c_float)
        _check(_lib().inception_run(self._owned.pointer,
                                    array.ctypes.data_as(floats), array.size,
                                    out.ctypes.data_as(floats), out.size))
        return out


def compile(source, output=None, *, weights=None, random_weights=None,
            weights_at_load=False, opt=3, backend=None, threads=None,
            batch=None, inceptionc=None, extra_args=()):
    """Compiles a model file or an ONNX file (`.onnx`) with `inceptionc`
    into a shared library and returns its path (`output`, else lib<stem>.so
    in the current folder). For a model file, exactly one of `weights` (a
    safetensors file), `random_weights` (a seed) and
    `weights_at_load=True`; an ONNX file carries its weights, and takes
    `random_weights` or `weights_at_load=True` instead at most. Raises
    InceptionError with the compiler's message when it fails."""
    chosen = [weights is not None, random_weights is not None, bool(weights_at_load)]
    onnx = os.fspath(source).lower().endswith(".onnx")
    if onnx and weights is not None:
        raise ValueError("an ONNX file carries its weights: weights= is for "
                         "model files")
    if sum(chosen) > 1 or (sum(chosen) == 0 and not onnx):
        raise ValueError("give exactly one of weights, random_weights and "
                         "weights_at_load=True")
    if opt not in (0, 1, 2, 3):
        raise ValueError(f"opt is 0, 1, 2 or 3, not {opt!r}")
    tool = inceptionc or os.environ.get("INCEPTIONC") or shutil.which("inceptionc")
    if not tool:
        raise InceptionError(None, "inceptionc not found: put it on PATH, set "
                             "INCEPTIONC, or pass inceptionc=")
    source = os.fspath(source)
    if output is None:
        stem = os.path.splitext(os.path.basename(source))[0]
        output = f"lib{stem}.so"
    args = [tool, source, f"-O{opt}", "-o", os.fspath(output)]
    if weights is not None:
        args.append(f"--weights={os.fspath(weights)}")
    elif random_weights is not None:
        args.append(f"--random-weights={int(random_weights)}")
    elif weights_at_load:
        args.append("--weights-at-load")
    if backend is not None:
        args.append(f"--backend={backend}")
    if threads is not None:
        args.append(f"--threads={int(threads)}")
    if batch is not None:
        args.append(f"--batch={int(batch)}")
    args.extend(extra_args)
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise InceptionError(None, f"inceptionc failed (exit {result.returncode}): "
                             f"{result.stderr.strip()}")
    return os.fspath(output)

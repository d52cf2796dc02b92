"""Faults in weights files while a process runs, through the runtime's C API:

    python3 weights_faults.py RUNTIME.so EXTERNAL_LIB.so WEIGHTS_FILE
        AT_LOAD_LIB.so STATE_DICT.safetensors

Prints one line per check; exits 1 at the first that fails. The process
must stay healthy throughout (a SIGBUS or a crash fails the test).
"""

import ctypes
import os
import shutil
import sys

import numpy as np

runtime_path, external_lib, weights_file, at_load_lib, state_dict = sys.argv[1:6]
rt = ctypes.CDLL(runtime_path)
rt.inception_last_error.restype = ctypes.c_char_p
INPUT = np.random.default_rng(1).standard_normal((1, 3, 8, 8)).astype(np.float32)


def check(condition, what):
    print(("ok: " if condition else "FAILED: ") + what, flush=True)
    if not condition:
        sys.exit(1)


def load(path):
    handle = ctypes.c_void_p()
    status = rt.inception_model_load(path.encode(), ctypes.byref(handle))
    check(status == 0, f"load {os.path.basename(path)}")
    return handle


def run(handle, weights=None):
    """(status, message, output) of one run in a new context."""
    context = ctypes.c_void_p()
    assert rt.inception_context_create(handle, ctypes.byref(context)) == 0
    if weights is not None:
        assert rt.inception_context_set_weights(context, weights) == 0
    out = np.zeros((1, 8, 8, 8), np.float32)
    status = rt.inception_run(context, INPUT.ctypes.data_as(ctypes.c_void_p),
                              ctypes.c_size_t(INPUT.size),
                              out.ctypes.data_as(ctypes.c_void_p),
                              ctypes.c_size_t(out.size))
    message = rt.inception_last_error().decode() if status else ""
    rt.inception_context_free(context)
    return status, message, out


def mappings(name):
    with open("/proc/self/maps") as maps:
        lines = maps.read().splitlines()
    return len(lines), sum(name in line for line in lines)


saved = weights_file + ".saved"
shutil.copyfile(weights_file, saved)

# --external-weights: the file is read once, at the first run.
model = load(external_lib)
status, _, first = run(model)
check(status == 0 and np.isfinite(first).all(), "a first run with the file")
with open(weights_file, "r+b") as f:
    f.seek(16)
    f.write(b"\xff" * 64)
status, _, again = run(model)
check(status == 0 and np.array_equal(first, again),
      "the file edited in place after the first run: the same output")
with open(weights_file, "r+b") as f:
    f.truncate(8)
status, _, again = run(model)
check(status == 0 and np.array_equal(first, again),
      "the file truncated after the first run: the same output, no SIGBUS")
os.remove(weights_file)
status, _, again = run(model)
check(status == 0 and np.array_equal(first, again),
      "the file deleted after the first run: the same output")
rt.inception_model_free(model)

# A new load reads the file again: missing, truncated or changed files are
# errors with a message, and the process goes on.
model = load(external_lib)
status, message, _ = run(model)
check(status != 0 and "cannot open weights file" in message,
      f"missing at the first run: status {status}, '{message}'")
rt.inception_model_free(model)
with open(weights_file, "wb") as f:
    f.write(open(saved, "rb").read()[:8])
model = load(external_lib)
status, message, _ = run(model)
check(status != 0 and "does not have the" in message,
      f"truncated before the first run: status {status}, '{message}'")
rt.inception_model_free(model)
data = bytearray(open(saved, "rb").read())
data[20] ^= 0x40
open(weights_file, "wb").write(data)
model = load(external_lib)
status, message, _ = run(model)
check(status != 0 and "checksum mismatch" in message,
      f"changed before the first run: status {status}, '{message}'")
rt.inception_model_free(model)
shutil.copyfile(saved, weights_file)

# Loading and freeing the model 50 times leaves nothing behind: no mapping
# of the weights file, no growing number of mappings.
before, _ = mappings(os.path.basename(weights_file))
for _ in range(50):
    model = load(external_lib) if _ == 0 else ctypes.c_void_p()
    if _:
        assert rt.inception_model_load(external_lib.encode(),
                                       ctypes.byref(model)) == 0
    status, _, again = run(model)
    assert status == 0 and np.array_equal(first, again)
    rt.inception_model_free(model)
after, of_file = mappings(os.path.basename(weights_file))
check(of_file == 0 and after - before < 10,
      f"50 loads, runs and frees: {after - before} more mappings, "
      f"{of_file} of the weights file")

# --weights-at-load: the state_dict is read into memory and prepared at
# load; the file changing afterwards does not matter, a truncated one is
# an error at load.
model = load(at_load_lib)
copy = state_dict + ".copy"
shutil.copyfile(state_dict, copy)
weights = ctypes.c_void_p()
status = rt.inception_model_load_weights(model, copy.encode(),
                                         ctypes.byref(weights))
check(status == 0, "load-time weights from the file")
status, _, first = run(model, weights)
check(status == 0, "a run with them")
with open(copy, "r+b") as f:
    f.truncate(100)
status, _, again = run(model, weights)
check(status == 0 and np.array_equal(first, again),
      "the state_dict truncated after loading: the same output")
other = ctypes.c_void_p()
status = rt.inception_model_load_weights(model, copy.encode(),
                                         ctypes.byref(other))
message = rt.inception_last_error().decode()
check(status != 0 and not other.value and message,
      f"loading the truncated file: status {status}, '{message}'")
rt.inception_weights_free(weights)
rt.inception_model_free(model)
os.remove(copy)
print("all weights faults handled")

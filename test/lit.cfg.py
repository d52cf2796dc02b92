# -*- Python -*-
# lit configuration of the Inception compiler's tests.

import os

import lit.formats
from lit.llvm import llvm_config

config.name = "Inception"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".inception", ".test"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "unit",
                   "e2e", "lib", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.inception_obj_root, "test")

llvm_config.use_default_substitutions()  # FileCheck, not, count, ...
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# `--param inceptionc=PATH` runs the frontend tests against another build of
# the driver (the AddressSanitizer build, for the malformed-input corpus).
inceptionc = lit_config.params.get(
    "inceptionc", os.path.join(config.inception_tools_dir, "inceptionc"))
if "inceptionc" in lit_config.params:
    # A separate output folder: ctest runs this suite beside the plain one.
    config.test_exec_root = os.path.join(config.inception_obj_root, "test-asan")
    # A sanitizer report must abort, so that `not` sees a crash rather than
    # an ordinary failing exit status.
    # allow_user_poisoning=0: LLVM's allocators poison their slabs where
    # their inline code is instrumented (ours) but not in Debian's libMLIR.
    config.environment["ASAN_OPTIONS"] = "abort_on_error=1:detect_leaks=1:allow_user_poisoning=0"
    config.environment["UBSAN_OPTIONS"] = "halt_on_error=1:abort_on_error=1:print_stacktrace=1"

config.substitutions.append(("%inceptionc", inceptionc))
config.substitutions.append(
    ("%inception-opt", os.path.join(config.inception_tools_dir, "inception-opt")))
config.substitutions.append(
    ("%inception-import", os.path.join(config.inception_tools_dir, "inception-import")))
config.substitutions.append(("%inception-run", os.path.join(config.inception_tools_dir, "inception-run")))
config.substitutions.append(("%inception-bench", os.path.join(config.inception_tools_dir, "inception-bench")))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%cc", config.c_compiler))
config.substitutions.append(("%examples", os.path.join(config.inception_src_root, "examples")))
config.substitutions.append(("%runtime_include", os.path.join(config.inception_src_root, "runtime", "include")))
config.substitutions.append(("%runtime_libdir", config.runtime_lib_dir))
config.substitutions.append(("%inception_build_dir", config.inception_obj_root))
config.substitutions.append(("%models", os.path.join(config.inception_src_root, "models")))
config.substitutions.append(("%testlib", os.path.join(config.inception_src_root, "test", "lib")))

# --emit=graph-svg renders with Graphviz when it is installed.
import shutil
if shutil.which("dot"):
    config.available_features.add("graphviz")

# The GPU back half's checks need the CUDA toolkit's ptxas (gpu-module-to-
# binary looks in /usr/local/cuda, as on every machine of the project).
if os.path.exists("/usr/local/cuda/bin/ptxas"):
    config.available_features.add("ptxas")

# The Halide back half's tests need an inceptionc built with Halide 14.
if config.has_halide:
    config.available_features.add("halide")

# The ONNX importer's tests need it built and Debian's python3-onnx to write
# their ONNX files.
if config.has_onnx:
    config.available_features.add("onnx")

# Tests that need PyTorch say `REQUIRES: torch`.
if config.has_torch:
    config.available_features.add("torch")

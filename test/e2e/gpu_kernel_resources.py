"""Every kernel of a model's GPU library through ptxas, for each
architecture: the registers and spills of each kernel, written to a table
(<workdir>/<model>_<arch>.tsv), and per model and architecture one line:
kernels, the most registers a kernel uses, its spill bytes in all. Fails
when a kernel spills more than --max-spill-bytes, has a stack frame (local
memory: a GEMM's accumulators not in registers) or ptxas rejects the PTX.

  gpu_kernel_resources.py MODEL.inception --inceptionc PATH --workdir DIR
      [--arch sm_80 --arch sm_90] [--max-spill-bytes N]
"""
import argparse
import os
import re
import subprocess
import sys

PTXAS = "/usr/local/cuda/bin/ptxas"


def resources(ptxas_output):
    """{kernel: [registers, spill store bytes, spill load bytes, stack
    frame bytes]} from ptxas -v's report."""
    kernels, current = {}, None
    for line in ptxas_output.splitlines():
        entry = re.search(r"Compiling entry function '(\S+)'", line)
        if entry:
            current = entry.group(1)
            kernels[current] = [0, 0, 0, 0]
            continue
        frame = re.search(r"(\d+) bytes stack frame, (\d+) bytes spill stores, "
                          r"(\d+) bytes spill loads", line)
        if frame and current:
            kernels[current][1:] = [int(frame.group(2)), int(frame.group(3)),
                                    int(frame.group(1))]
        used = re.search(r"Used (\d+) registers", line)
        if used and current:
            kernels[current][0] = int(used.group(1))
    return kernels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--inceptionc", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--arch", action="append")
    parser.add_argument("--max-spill-bytes", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    name = os.path.splitext(os.path.basename(args.model))[0]
    ok = True
    for arch in args.arch or ["sm_80", "sm_90"]:
        ptx = os.path.join(args.workdir, f"{name}_{arch}.ptx")
        compiled = subprocess.run([args.inceptionc, args.model, "--backend=gpu",
                                   "--weights-at-load", "--emit=ptx",
                                   f"--gpu-arch={arch}", "-o", ptx],
                                  capture_output=True, text=True)
        if compiled.returncode != 0:
            sys.exit(f"inceptionc failed:\n{compiled.stderr}")
        report = subprocess.run([PTXAS, f"-arch={arch}", "-v", ptx, "-o", os.devnull],
                                capture_output=True, text=True)
        if report.returncode != 0:
            sys.exit(f"ptxas rejected {ptx}:\n{report.stderr}")
        kernels = resources(report.stderr)
        with open(os.path.join(args.workdir, f"{name}_{arch}.tsv"), "w") as table:
            table.write("kernel\tregisters\tspill_store_bytes\tspill_load_bytes"
                        "\tstack_frame_bytes\n")
            for kernel, (registers, stores, loads, frame) in kernels.items():
                table.write(f"{kernel}\t{registers}\t{stores}\t{loads}\t{frame}\n")
        spilled = {k: v for k, v in kernels.items() if v[1] + v[2] > args.max_spill_bytes}
        most = max((v[0] for v in kernels.values()), default=0)
        spill_bytes = sum(v[1] + v[2] for v in kernels.values())
        # A stack frame is local memory: a thread's accumulators that did
        # not become registers, or an array indexed at run time.
        framed = {k: v[3] for k, v in kernels.items() if v[3] > 0}
        print(f"{name} {arch}: {len(kernels)} kernels, at most {most} registers, "
              f"{spill_bytes} bytes spilled, {len(framed)} with a stack frame")
        for kernel, (registers, stores, loads, frame) in spilled.items():
            print(f"  {kernel} spills {stores} bytes stored, {loads} loaded "
                  f"(bound {args.max_spill_bytes})")
            ok = False
        for kernel, frame in framed.items():
            print(f"  {kernel} has a stack frame of {frame} bytes")
            ok = False
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

"""Compares two .npy outputs of one model: `expected` (say, the loops at
-O0) and `actual` (the kernels). Fails, with exit status 1, when their
shapes differ, when either holds a NaN or an infinity, when the expected
output is all zero (a comparison relative to it would be meaningless), or
when max |actual - expected| / max |expected| exceeds the tolerance.

    python3 compare_outputs.py EXPECTED.npy ACTUAL.npy [--tolerance 1e-5]
"""
import argparse
import sys

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("expected")
    parser.add_argument("actual")
    parser.add_argument("--tolerance", type=float, default=1e-5)
    args = parser.parse_args()
    expected, actual = np.load(args.expected), np.load(args.actual)
    if expected.shape != actual.shape:
        print(f"shapes differ: {expected.shape} and {actual.shape}")
        return 1
    for name, array in (("expected", expected), ("actual", actual)):
        if not np.isfinite(array).all():
            print(f"the {name} output is not finite")
            return 1
    scale = float(np.abs(expected).max())
    if scale == 0.0:
        print("the expected output is all zero")
        return 1
    difference = float(np.abs(actual - expected).max()) / scale
    print("relative difference", difference)
    return 0 if difference <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())

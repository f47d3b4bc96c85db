"""Time forward+backward passes of nnbook.nn.MLP (a measurement, not a test).

    python code/benchmarks/nn_benchmark.py

Prints the best-of-N time per call for a 10-layer, 500-unit tanh net on a 1000×500 batch
(float64 and float32) and for a small 2-16-16-2 net on 256 points.
"""

from __future__ import annotations

import time

import numpy as np

from nnbook import nn


def best_time(func, repeats: int) -> float:
    func()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    cases = [
        ("10 x 500 tanh, batch 1000x500, float64", [500] + [500] * 10, np.float64, 1000, 5),
        ("10 x 500 tanh, batch 1000x500, float32", [500] + [500] * 10, np.float32, 1000, 5),
        ("2-16-16-2 tanh, batch 256, float64", [2, 16, 16, 2], np.float64, 256, 200),
    ]
    for label, sizes, dtype, batch, repeats in cases:
        net = nn.MLP(sizes, "tanh", "xavier_normal", rng=rng, dtype=dtype)
        X = rng.standard_normal((batch, sizes[0]))
        y = rng.integers(0, sizes[-1], batch)
        forward = best_time(lambda: net.forward(X), repeats)
        both = best_time(lambda: net.loss(X, y), repeats)
        print(f"{label:42s} forward {1e3 * forward:8.3f} ms   forward+backward {1e3 * both:8.3f} ms")


if __name__ == "__main__":
    main()

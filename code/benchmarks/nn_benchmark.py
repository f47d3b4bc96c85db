"""Time nnbook.nn's hot path and population training (a measurement, not a test).

    OMP_NUM_THREADS=1 python code/benchmarks/nn_benchmark.py [--repeats 7]

One BLAS thread (the script sets OMP/OPENBLAS/MKL_NUM_THREADS=1 before numpy is imported).
Cases (forward + cross-entropy + backward of the weights, no input gradient):

* 10 × 500 tanh, batch 1000, float64 and float32;
* 2-16-16-2 tanh on 256 points;
* 64-64-64-10 ReLU on the digits, one epoch of ``nn.train`` at batch 64;
* ``nn.train_many`` on 10 seeds of that digits net against a loop of 10 ``nn.train`` calls
  (2 epochs each, their own minibatch orders), and the same for 10 small 2-16-16-2 tanh nets on
  the moons (the book's sweeps), full batch and at batch 32.

When PyTorch is importable (it is not a requirement), the same cases run in torch on the same
shapes and weights, one thread, and the ratio nnbook/torch is printed. Repeats of the cases are
interleaved (case A, case B, …, case A, …) so a busy machine slows all of them alike; the
medians are reported.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from nnbook import data, nn  # noqa: E402

try:  # optional: only for the side-by-side ratios
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None


def _timer(func, inner: int):
    def run():
        start = time.perf_counter()
        for _ in range(inner):
            func()
        return (time.perf_counter() - start) / inner
    return run


# ----------------------------------------------------------------------------- cases


def fwd_bwd_case(sizes, activation, dtype, batch, seed=0):
    """nnbook and (optionally) torch closures for one forward+backward on the same weights."""
    rng = np.random.default_rng(seed)
    net = nn.MLP(sizes, activation, "xavier_normal", rng=rng, dtype=dtype)
    X = rng.standard_normal((batch, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], batch)
    ours = lambda: net.loss(X, y)  # noqa: E731 - forward, loss, backward of the parameters
    theirs = None
    if torch is not None:
        tdtype = torch.float32 if dtype == np.float32 else torch.float64
        params = []
        for W, b in zip(net.weights, net.biases):
            params += [torch.tensor(W.T.copy(), dtype=tdtype, requires_grad=True),
                       torch.tensor(b, dtype=tdtype, requires_grad=True)]
        tX, ty = torch.tensor(X, dtype=tdtype), torch.tensor(y)
        f = {"tanh": torch.tanh, "relu": torch.relu}[activation]

        def theirs():
            h = tX
            for l in range(0, len(params), 2):
                h = torch.nn.functional.linear(h, params[l], params[l + 1])
                if l < len(params) - 2:
                    h = f(h)
            loss = torch.nn.functional.cross_entropy(h, ty)
            for p in params:
                p.grad = None
            loss.backward()
    return ours, theirs


def digits_net(seed):
    return nn.MLP([64, 64, 64, 10], "relu", "he_normal", rng=seed)


def digits_data():
    ds = data.digits(rng=0)
    return ds.X_train / 16.0, ds.y_train


def digits_epoch_case(X, y):
    net = digits_net(0)
    ours = lambda: nn.train(net, X, y, lr=0.05, epochs=1, batch_size=64, rng=1)  # noqa: E731
    theirs = None
    if torch is not None:
        model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 64),
                                    torch.nn.ReLU(), torch.nn.Linear(64, 10)).double()
        with torch.no_grad():
            for layer, W, b in zip(model[::2], net.weights, net.biases):
                layer.weight.copy_(torch.tensor(W.T))
                layer.bias.copy_(torch.tensor(b))
        opt = torch.optim.SGD(model.parameters(), lr=0.05)
        tX, ty = torch.tensor(X), torch.tensor(y)
        gen = np.random.default_rng(1)

        def theirs():
            order = torch.tensor(gen.permutation(len(tX)))
            for start in range(0, len(tX), 64):
                idx = order[start:start + 64]
                opt.zero_grad()
                torch.nn.functional.cross_entropy(model(tX[idx]), ty[idx]).backward()
                opt.step()
    return ours, theirs


def population_case(X, y, make, members=10, epochs=2, batch_size=64):
    """A loop of ``members`` train calls and one train_many call doing the same runs."""
    seeds = list(range(members))
    rngs = lambda: None if batch_size is None else [100 + s for s in seeds]  # noqa: E731

    def loop():
        for s, r in zip(seeds, rngs() or [None] * members):
            nn.train(make(s), X, y, lr=0.05, epochs=epochs, batch_size=batch_size, rng=r)

    def many():
        nn.train_many([make(s) for s in seeds], X, y, lr=0.05, epochs=epochs, batch_size=batch_size, rng=rngs())
    return loop, many


# ----------------------------------------------------------------------------- main


POP_LOOP = "10 digits nets x 2 epochs @64: loop of train"
POP_MANY = "10 digits nets x 2 epochs @64: train_many"


def main(repeats: int = 7) -> dict:
    X, y = digits_data()
    timers = {}
    for label, sizes, act, dtype, batch, inner in [
        ("10x500 tanh, batch 1000, float64", [500] * 11, "tanh", np.float64, 1000, 1),
        ("10x500 tanh, batch 1000, float32", [500] * 11, "tanh", np.float32, 1000, 2),
        ("2-16-16-2 tanh, 256 points", [2, 16, 16, 2], "tanh", np.float64, 256, 200),
    ]:
        ours, theirs = fwd_bwd_case(sizes, act, dtype, batch)
        timers[label] = (_timer(ours, inner), theirs and _timer(theirs, inner))
    ours, theirs = digits_epoch_case(X, y)
    timers["64-64-64-10 relu digits, 1 epoch @64"] = (_timer(ours, 1), theirs and _timer(theirs, 1))
    loop, many = population_case(X, y, digits_net)
    timers[POP_LOOP] = (_timer(loop, 1), None)
    timers[POP_MANY] = (_timer(many, 1), None)
    moons = data.moons(300, rng=0)
    small = lambda s: nn.MLP([2, 16, 16, 2], "tanh", "xavier_normal", rng=s)  # noqa: E731
    for batch, epochs in ((None, 100), (32, 10)):
        loop, many = population_case(moons.X_train, moons.y_train, small, epochs=epochs, batch_size=batch)
        tag = f"10 nets 2-16-16-2 moons, {epochs} epochs @{batch or 'full'}"
        timers[f"{tag}: loop of train"] = (_timer(loop, 1), None)
        timers[f"{tag}: train_many"] = (_timer(many, 1), None)

    samples = {label: ([], []) for label in timers}
    for label, (ours, theirs) in timers.items():  # warm-up
        ours()
        if theirs:
            theirs()
    for _ in range(repeats):  # interleaved: every case once per round
        for label, (ours, theirs) in timers.items():
            samples[label][0].append(ours())
            if theirs:
                samples[label][1].append(theirs())

    print(f"nnbook.nn benchmark: median of {repeats} interleaved repeats, one BLAS thread"
          + ("" if torch is None else f"; torch {torch.__version__} with 1 thread"))
    results = {}
    for label, (ours, theirs) in samples.items():
        a = statistics.median(ours)
        line = f"{label:58s} nnbook {1e3 * a:9.3f} ms"
        results[label] = {"nnbook_s": a}
        if theirs:
            b = statistics.median(theirs)
            results[label].update(torch_s=b, ratio=a / b)
            line += f"   torch {1e3 * b:9.3f} ms   nnbook/torch {a / b:5.2f}x"
        print(line)
    for label in list(results):
        if label.endswith(": train_many"):
            tag = label[: -len(": train_many")]
            loop, many = results[f"{tag}: loop of train"]["nnbook_s"], results[label]["nnbook_s"]
            results[tag] = {"speedup": loop / many}
            print(f"train_many speed-up over a loop of train, {tag}: {loop / many:.2f}x")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    if torch is not None:
        torch.set_num_threads(1)
    main(args.repeats)

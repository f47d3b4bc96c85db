"""Write tests/data/nn_reference.npz: training histories and weights of ``nnbook.nn`` as it was
before the lean rewrite (commit 3541a26), so tests/test_nn.py can check that the rewrite gives the
same numbers (≤ 1e-12 relative). Run from the repository root with the OLD code on PYTHONPATH:

    PYTHONPATH=code python tests/data/make_nn_reference.py

The configurations live in ``CASES`` here; the test imports them, so both sides build the same runs.
"""

from __future__ import annotations

import pathlib

import numpy as np

# name: (activation, sizes, loss, train kwargs)
CASES = {
    "tanh_full": ("tanh", [4, 12, 10, 3], "cross_entropy", dict(lr=0.3, epochs=15)),
    "sigmoid_mb": ("sigmoid", [4, 12, 3], "cross_entropy", dict(lr=0.5, epochs=6, batch_size=16, rng=3)),
    "relu_momentum_wd_val": ("relu", [4, 16, 16, 3], "cross_entropy",
                             dict(lr=0.05, epochs=6, batch_size=20, rng=4, momentum=0.9, weight_decay=1e-3)),
    "leaky_mb": ("leaky_relu", [4, 10, 3], "cross_entropy", dict(lr=0.1, epochs=5, batch_size=32, rng=5)),
    "elu_momentum": ("elu", [4, 10, 10, 3], "cross_entropy", dict(lr=0.05, epochs=8, momentum=0.5)),
    "selu_mb_wd": ("selu", [4, 10, 10, 3], "cross_entropy", dict(lr=0.02, epochs=5, batch_size=25, rng=6,
                                                                  weight_decay=1e-2)),
    "gelu_mse": ("gelu", [4, 8, 2], "mse", dict(lr=0.05, epochs=10, batch_size=30, rng=7, momentum=0.8)),
    "mixed_list": (["tanh", "relu"], [4, 9, 7, 3], "cross_entropy", dict(lr=0.1, epochs=5, batch_size=40, rng=8)),
    "softplus_f32": ("softplus", [4, 8, 3], "cross_entropy", dict(lr=0.1, epochs=4, batch_size=50, rng=9)),
}


def problem(loss):
    rng = np.random.default_rng(123)
    X = rng.standard_normal((100, 4))
    y = (X[:, 0] + X[:, 1] ** 2 > 1).astype(int) + (X[:, 2] > 0.5)
    Xv = rng.standard_normal((30, 4))
    yv = (Xv[:, 0] + Xv[:, 1] ** 2 > 1).astype(int) + (Xv[:, 2] > 0.5)
    if loss == "mse":
        return X, np.c_[np.sin(X[:, 0]), X[:, 1] * X[:, 2]], Xv, np.c_[np.sin(Xv[:, 0]), Xv[:, 1] * Xv[:, 2]]
    return X, y, Xv, yv


def run(nn, name):
    activation, sizes, loss, kwargs = CASES[name]
    dtype = np.float32 if name.endswith("f32") else np.float64
    net = nn.MLP(sizes, activation, "xavier_normal", rng=11, bias=0.05, dtype=dtype)
    X, y, Xv, yv = problem(loss)
    history = nn.train(net, X, y, loss=loss, X_val=Xv, y_val=yv, **kwargs)
    return net, history


def main():
    from nnbook import nn

    arrays = {}
    for name in CASES:
        net, history = run(nn, name)
        for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
            arrays[f"{name}/{key}"] = np.array(getattr(history, key))
        for l, (W, b) in enumerate(zip(net.weights, net.biases)):
            arrays[f"{name}/W{l}"], arrays[f"{name}/b{l}"] = W, b
    np.savez_compressed(pathlib.Path(__file__).with_name("nn_reference.npz"), **arrays)


if __name__ == "__main__":
    main()

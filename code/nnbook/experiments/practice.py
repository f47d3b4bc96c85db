"""The comparison behind the "In practice" chapter's claims table: activations on the digits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnbook import nn
from nnbook.experiments._memo import memoize
from nnbook.experiments.hyperparameters import digits_problem

__all__ = ["INIT_FOR", "Comparison", "activation_comparison", "Claim", "run_chapter", "claims", "comparison_rows",
           "summary"]

#: The initialization each activation is paired with (the rule made for it).
INIT_FOR = {"sigmoid": "xavier_normal", "tanh": "xavier_normal", "relu": "he_normal", "leaky_relu": "he_normal",
            "elu": "he_normal", "selu": "lecun_normal"}


@dataclass
class Comparison:
    """Test accuracies and loss curves of :func:`activation_comparison` per (activation, learning rate) and seed."""

    activations: list
    lrs: list
    seeds: list
    test_accuracy: dict  # (activation, lr) -> (seeds,)
    train_loss: dict  # (activation, lr) -> (seeds, epochs)
    target: float  # training loss used for "epochs to converge"

    def best_lr(self, a) -> float:
        """The learning rate with the highest mean test accuracy for activation ``a``."""
        return max(self.lrs, key=lambda lr: np.nanmean(np.nan_to_num(self.test_accuracy[(a, lr)], nan=0.0)))

    def accuracy(self, a) -> tuple[float, float]:
        """Mean and std over seeds of the test accuracy at ``a``'s best learning rate."""
        acc = np.nan_to_num(self.test_accuracy[(a, self.best_lr(a))], nan=0.0)
        return float(acc.mean()), float(acc.std())

    def epochs_to_target(self, a, lr=None) -> np.ndarray:
        """Per seed: first epoch with training loss below ``target`` (inf if never)."""
        loss = self.train_loss[(a, self.best_lr(a) if lr is None else lr)]
        below = loss < self.target
        return np.where(below.any(axis=1), below.argmax(axis=1) + 1.0, np.inf)

    def ranking(self) -> list:
        """Activations by decreasing mean test accuracy."""
        return sorted(self.activations, key=lambda a: -self.accuracy(a)[0])


def activation_comparison(activations=tuple(INIT_FOR), lrs=(0.01, 0.03, 0.1, 0.3), seeds=(0, 1, 2), *,
                          depth: int = 3, width: int = 64, epochs: int = 10, batch_size: int = 64,
                          target: float = 0.05) -> Comparison:
    """The same ``depth × width`` network on the digits with each activation and its own
    initialization, momentum SGD, each learning rate, several seeds.

    Inputs are standardized with training statistics; accuracy is measured on the held-out
    test digits. The learning rate is chosen per activation (best mean test accuracy), so
    no activation is judged at a rate that suits another.
    """
    problem = digits_problem()
    acc, loss = {}, {}
    for a in activations:
        for lr in lrs:
            accs, curves = [], []
            for s in seeds:
                net = nn.MLP([64] + [width] * depth + [10], a, INIT_FOR.get(a, "he_normal"), rng=s)
                history = nn.train(net, problem.X_train, problem.y_train, lr=lr, epochs=epochs, batch_size=batch_size,
                                   momentum=0.9, rng=s, on_divergence="stop")
                curve = np.full(epochs, np.nan)
                curve[:len(history.loss)] = history.loss
                curves.append(curve)
                accs.append(np.nan if history.diverged else nn.accuracy(net.forward(problem.X_test), problem.y_test))
            acc[(a, lr)], loss[(a, lr)] = np.array(accs), np.array(curves)
    return Comparison(list(activations), list(lrs), list(seeds), acc, loss, target)


# ----------------------------------------------------------------------------- the claims table


@dataclass
class Claim:
    """One row of the claims table: the claim, its source, the verdict, the measured evidence and where it is shown."""

    claim: str
    source: str
    verdict: str  # "holds", "holds here, with caveats", "does not hold here"
    evidence: str
    where: str  # a MyST cross-reference to the section or figure that shows it


def _chapters() -> dict:
    from nnbook.experiments import (
        dead_relu,
        hyperparameters,
        initialization,
        preprocessing,
        saturation,
        zero_centering,
    )

    mods = {"saturation": saturation, "zero_centering": zero_centering, "dead_relu": dead_relu,
            "preprocessing": preprocessing, "initialization": initialization, "hyperparameters": hyperparameters}
    return {name: m.summary(m.run_chapter()) for name, m in mods.items()}


@memoize
def run_chapter() -> dict:
    """The other chapters' quoted numbers (reused from their runs when the build shares
    results) and the activation comparison."""
    from nnbook.experiments import softmax

    temps = softmax.temperature_sweep([2.0, 1.0, 0.5, -1.0, 0.0], [0.01, 1.0, 5.0])
    return {"chapters": _chapters(), "comparison": activation_comparison(),
            "entropy": dict(zip(temps.temperatures.tolist(), temps.entropies.tolist()))}


def _pct(x) -> str:
    return f"{x:.0f} %"


def claims(results: dict) -> list[Claim]:
    """Every claim the book tests, with its verdict and the measured evidence."""
    ch, comp, H = results["chapters"], results["comparison"], results["entropy"]
    s, z, d, p, i, h = (ch[k] for k in ("saturation", "zero_centering", "dead_relu", "preprocessing",
                                        "initialization", "hyperparameters"))
    acc = {a: comp.accuracy(a) for a in comp.activations}

    def a(name):
        m, sd = acc[name]
        return f"{100 * m:.1f} ± {100 * sd:.1f} %"

    def names(order):
        return [{"relu": "ReLU", "leaky_relu": "Leaky ReLU", "elu": "ELU", "selu": "SELU"}.get(x, x) for x in order]

    rank = comp.ranking()
    relu_e, tanh_e = comp.epochs_to_target("relu"), comp.epochs_to_target("tanh")
    same_lr = 0.03
    relu_same, tanh_same = comp.epochs_to_target("relu", same_lr), comp.epochs_to_target("tanh", same_lr)
    n_epochs = comp.train_loss[(comp.activations[0], comp.lrs[0])].shape[1]

    def ep(e):
        return f"never in {n_epochs}" if np.isinf(e).any() else f"{np.mean(e):.1f}"

    def ratio(slow, fast):
        return (n_epochs + 1) / np.mean(fast) if np.isinf(slow).any() else np.mean(slow) / np.mean(fast)

    speedup_best, speedup_same = ratio(tanh_e, relu_e), ratio(tanh_same, relu_same)
    leaky_gap = 100 * (acc["leaky_relu"][0] - acc["relu"][0])
    elu_gap = 100 * (acc["elu"][0] - max(acc["relu"][0], acc["leaky_relu"][0]))
    spread = 100 * max(acc[k][1] for k in ("relu", "leaky_relu", "elu", "selu"))
    # neighbours in the measured order whose difference is smaller than their combined spread
    close = sum(acc[x][0] - acc[y][0] < acc[x][1] + acc[y][1] for x, y in zip(rank, rank[1:]))
    def V(holds: bool, caveat: bool = False) -> str:
        """The verdict: a claim that holds but needs the caveat, holds, or does not."""
        if holds:
            return "holds here, with caveats" if caveat else "holds"
        return "does not hold here"

    rows = [
        Claim("Do not use the sigmoid in hidden layers.", "CS231n",
              V(s["sigmoid-ratio"] < 1e-3 and rank[-1] == "sigmoid"),
              f"10-layer sigmoid net: input-side gradient {s['sigmoid-ratio']:.0e} × the output side's; "
              f"lowest test accuracy in the comparison ({a('sigmoid')})", "{numref}`fig-gradient-profiles`"),
        Claim("ReLU solves the vanishing-gradient problem.", "common advice",
              V(0.3 < s["relu-ratio"] < 3, caveat=s["relu-big-ratio"] > 100),
              f"with He weights the gradient keeps its size over 10 layers (ratio {s['relu-ratio']:.2f}); with "
              f"N(0, 1) weights it grows {s['relu-big-ratio']:.0e}-fold: the weights still matter",
              "{ref}`saturation`"),
        Claim("With large weights tanh units saturate and the gradients vanish.", "CS231n",
              V(i["big-grad-ratio"] < 1e-2),
              f"{_pct(i['big-saturated'])} of the activations are saturated, but the backward signal at layer 1 is "
              f"{i['big-grad-ratio']:.0e} × that at layer 10: it explodes", "{numref}`fig-layer-curves`"),
        Claim("Inputs that are all positive make gradient descent zig-zag.", "CS231n",
              V(z["steps-positive"] > 3 * z["steps-centered"] and z["same-sign-positive"] == 100),
              f"two-weight problem: {z['steps-positive']} steps with positive inputs, {z['steps-centered']} "
              f"centred; {_pct(z['same-sign-positive'])} of the updates in quadrant I or III",
              "{numref}`fig-quadrant-paths`"),
        Claim("Prefer tanh to the sigmoid: its outputs are zero-centred.", "CS231n",
              V(z["race-tanh-3"] < z["race-sigmoid-3"],
                caveat=abs(z["race-shifted-1"] - z["race-tanh-1"]) < 0.2 * z["race-tanh-1"]),
              f"tanh {z['race-tanh-3']:.1f} vs sigmoid {z['race-sigmoid-3']:.1f} epochs to the target; but the slope "
              f"matters more than centring (tanh + 1: {z['race-shifted-1']:.1f} vs tanh {z['race-tanh-1']:.1f} at "
              f"learning rate 1)", "{numref}`fig-race`"),
        Claim("As much as 40 % of a ReLU network can die with a high learning rate.", "CS231n",
              V(d["relu-dead-max"] >= 40, caveat=d["acc-first-40"] < 50),
              f"≤ {d['relu-dead-good-max']:.0f} % dead at rates that train well; the mean passes 40 % at "
              f"lr {d['lr-first-40']:.2g}, where {d['dead-first-40']:.0f} % are dead and accuracy is "
              f"{d['acc-first-40']:.0f} %: a cliff, not a slope", "{numref}`fig-dead-sweep`"),
        Claim("Leaky ReLU and ELU do not die.", "common advice",
              V(d["leaky-dead-next"] == 0, caveat=d["elu-dead-next"] > 10),
              f"Leaky ReLU: {d['leaky-dead-next']:.0f} % dead at every rate; ELU: {d['elu-dead-next']:.0f} % "
              f"effectively dead (saturated) at lr {d['lr-next']:.2g}", "{ref}`dead-relu`"),
        Claim("A small positive initial bias helps ReLU units.", "CS231n (as a maybe)",
              V(i["bias-0-loss"] - i["bias-0.1-loss"] > i["bias-0-loss-std"] + i["bias-0.1-loss-std"]),
              f"dead at init {i['bias-0-dead']:.1f} % (bias 0) vs {i['bias-0.1-dead']:.1f} % (0.1); loss after "
              f"10 epochs {i['bias-0-loss']:.3f} vs {i['bias-0.1-loss']:.3f}, within the seeds' spread",
              "{ref}`initialization`"),
        Claim("Leaky ReLU always beats ReLU.", "common advice", V(leaky_gap > spread),
              f"test accuracy {a('leaky_relu')} vs {a('relu')} (difference {leaky_gap:+.1f} points, seed spread "
              f"up to {spread:.1f})", "{numref}`tbl-comparison`"),
        Claim("ELU beats every ReLU variant.", "Clevert et al. 2015", V(elu_gap > spread),
              f"ELU {a('elu')} vs best of ReLU / Leaky ReLU: {elu_gap:+.1f} points", "{numref}`tbl-comparison`"),
        Claim("SELU > ELU > Leaky ReLU > ReLU > tanh > logistic.", "Hands-On ML",
              V(rank == ["selu", "elu", "leaky_relu", "relu", "tanh", "sigmoid"], caveat=close > 0),
              "measured order: " + " > ".join(names(rank)) + f"; {close} of the {len(rank) - 1} neighbouring pairs differ by "
              "less than their combined seed spread",
              "{numref}`tbl-comparison`"),
        Claim("ReLU networks converge about 6× faster than tanh networks.", "Krizhevsky et al. 2012",
              V(speedup_best >= 4, caveat=speedup_same >= 4),
              f"epochs to training loss {comp.target:g}: ReLU {ep(relu_e)}, tanh {ep(tanh_e)} at each one's best "
              f"rate (speed-up {speedup_best:.1f}×); at the same rate ({same_lr:g}): {ep(relu_same)} vs "
              f"{ep(tanh_same)} ({speedup_same:.1f}×)", "{numref}`tbl-comparison`"),
        Claim("Initializing all weights to the same value never breaks symmetry.", "CS231n",
              V(i["sym-const-spread"] == 0),
              f"largest difference between units after training: {i['sym-const-spread']:g}; accuracy "
              f"{i['sym-const-acc']:.0f} % vs {i['sym-xavier-acc']:.0f} % from Xavier", "{numref}`fig-symmetry`"),
        Claim("Xavier initialization fails for deep ReLU networks; He works.", "He et al. 2015",
              V(i["deep-xavier-acc"] < 20 and i["deep-he-acc"] > 40),
              f"30 layers: activation std at the top {i['deep-xavier-std-last']:.0e} (Xavier) vs "
              f"{i['deep-he-std-last']:.2f} (He); accuracy {i['deep-xavier-acc']:.0f} % vs {i['deep-he-acc']:.0f} %",
              "{numref}`fig-deep-relu`"),
        Claim("SELU networks normalize themselves.", "Klambauer et al. 2017",
              V(abs(i["selfnorm-selu-mean"]) < 0.1 and abs(i["selfnorm-selu-std"] - 1) < 0.1),
              f"after {i['selfnorm-depth']} layers: mean {i['selfnorm-selu-mean']:.3f}, std "
              f"{i['selfnorm-selu-std']:.3f}", "{numref}`fig-self-normalization`"),
        Claim("A lower softmax temperature gives a higher entropy.", "one source note",
              V(H[0.01] > H[1.0] > H[5.0]),
              f"entropy {H[0.01]:.3f} at T = 0.01, {H[1.0]:.3f} at T = 1, {H[5.0]:.3f} at T = 5: the reverse",
              "{ref}`softmax`"),
        Claim("Centring and standardizing the inputs speeds up training.", "CS231n, LeCun et al. 1998",
              V(p["race-standardized-epochs"] < p["race-raw-epochs"],
                caveat=p["race-centered-epochs"] < 2 * p["race-standardized-epochs"]),
              f"epochs to the target: raw {p['race-raw-epochs']:.0f}, centred {p['race-centered-epochs']:.0f}, "
              f"standardized {p['race-standardized-epochs']:.0f}: most of the gain is the centring",
              "{numref}`fig-scaling-race`"),
        Claim("Random search beats grid search with the same budget.", "Bergstra & Bengio 2012",
              V(h["rvg-random-mean"] < h["rvg-grid-mean"] and h["rvg-random-wins"] > 50),
              f"better in {h['rvg-random-wins']:.0f} % of {h['rvg-problems']} problems; mean best loss "
              f"{h['rvg-random-mean']:.2f} vs {h['rvg-grid-mean']:.2f}", "{numref}`fig-random-vs-grid`"),
    ]
    return rows


def comparison_rows(comp: Comparison) -> list[tuple]:
    """Rows of the comparison table: activation, init, best lr, test accuracy, epochs to target."""
    rows = []
    for a in comp.ranking():
        m, sd = comp.accuracy(a)
        e = comp.epochs_to_target(a)
        rows.append((a, INIT_FOR.get(a, "he_normal"), f"{comp.best_lr(a):g}", f"{100 * m:.1f} ± {100 * sd:.1f} %",
                     "never" if np.isinf(e).any() else f"{e.mean():.1f}"))
    return rows


def summary(results: dict) -> dict:
    """The numbers the chapter's prose quotes."""
    comp = results["comparison"]
    out = {"cmp-epochs": comp.train_loss[(comp.activations[0], comp.lrs[0])].shape[1],
           "cmp-seeds": len(comp.seeds), "cmp-target": comp.target}
    verdicts = [c.verdict for c in claims(results)]
    out["n-claims"] = len(verdicts)
    out["n-hold"] = sum(v == "holds" for v in verdicts)
    out["n-caveat"] = sum(v == "holds here, with caveats" for v in verdicts)
    out["n-fail"] = sum(v.startswith("does not hold") for v in verdicts)
    return out

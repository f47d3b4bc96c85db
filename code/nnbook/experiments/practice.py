"""The "In practice" chapter: the activation comparison, its claims, and the book's ledger of claims.

The activation comparison trains the same digits network with six activations from the same
seeds (so each seed gives every activation the same initial random draws, scaled by its own
initialization rule, and the same minibatch order), chooses each activation's learning rate
on the validation split, and scores the chosen runs once on the test split. Its claims are
paired comparisons of those test accuracies (``nnbook.stats``).

The ledger collects every chapter's claims (``claims(run_chapter())`` of each experiment
module that has a ``claims`` function) into one list, and :func:`ledger` turns it into the
JSON the book publishes as ``claims.json``.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

import numpy as np

from nnbook import nn, stats
from nnbook._validation import positive_int
from nnbook.experiments._memo import memoize
from nnbook.experiments.hyperparameters import digits_problem

__all__ = ["INIT_FOR", "NAMES", "CHAPTERS", "Comparison", "activation_comparison", "run_chapter", "claims",
           "chapter_claims", "book_claims", "standardized", "ledger", "comparison_rows", "pair_rows",
           "claims_rows", "summary"]

#: The initialization each activation is paired with (the rule made for it).
INIT_FOR = {"sigmoid": "xavier_normal", "tanh": "xavier_normal", "relu": "he_normal", "leaky_relu": "he_normal",
            "elu": "he_normal", "selu": "lecun_normal"}

#: How the book writes the activations' names.
NAMES = {"sigmoid": "logistic (sigmoid)", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "Leaky ReLU", "elu": "ELU",
         "selu": "SELU"}

#: The experiment modules whose claims the ledger collects, in the order of the book.
CHAPTERS = ("nonlinearity", "activations", "softmax", "saturation", "zero_centering", "dead_relu", "preprocessing",
            "initialization", "hyperparameters")

#: The Hands-On ML ranking, best first.
HANDS_ON_RANKING = ("selu", "elu", "leaky_relu", "relu", "tanh", "sigmoid")


@dataclass
class Comparison:
    """Results of :func:`activation_comparison`.

    ``val_accuracy[a]`` has shape (lrs, seeds): validation accuracy after the last epoch
    (0 for a run that diverged); ``train_loss[a]`` has shape (lrs, seeds, epochs) (NaN after
    a divergence). The learning rate of each activation is chosen on the validation split
    only (``chosen_lr[a]``), and only the runs at that rate are scored on the test split:
    ``test_accuracy[a]`` has shape (seeds,).
    """

    activations: list
    lrs: list
    seeds: list
    epochs: int
    val_accuracy: dict
    train_loss: dict
    chosen_lr: dict
    test_accuracy: dict
    target: float  # training loss used for "epochs to the target"
    n_val: int = 0  # validation digits
    n_test: int = 0  # test digits

    def accuracy(self, a) -> tuple[float, float]:
        """Mean and standard deviation over seeds of ``a``'s test accuracy at its chosen rate."""
        acc = self.test_accuracy[a]
        return float(acc.mean()), float(acc.std(ddof=1)) if acc.size > 1 else 0.0

    def at_edge(self, a) -> bool:
        """True when ``a``'s chosen learning rate is the smallest or largest one tried."""
        return self.chosen_lr[a] in (min(self.lrs), max(self.lrs))

    def epochs_to_target(self, a, lr=None) -> np.ndarray:
        """Per seed: the first epoch whose training loss is below ``target`` (inf if never)."""
        loss = self.train_loss[a][self.lrs.index(self.chosen_lr[a] if lr is None else lr)]
        below = loss < self.target
        return np.where(below.any(axis=1), below.argmax(axis=1) + 1.0, np.inf)

    def ranking(self) -> list:
        """Activations by decreasing mean test accuracy."""
        return sorted(self.activations, key=lambda a: -self.accuracy(a)[0])

    def effect(self, a, b) -> stats.Effect:
        """Paired effect of activation ``a`` over ``b``: test-accuracy differences per seed, in points."""
        return stats.paired(100 * self.test_accuracy[a], 100 * self.test_accuracy[b], unit="test accuracy points")


@memoize
def activation_comparison(activations=tuple(INIT_FOR), lrs=(0.01, 0.03, 0.1, 0.3, 1.0), seeds=tuple(range(10)), *,
                          depth: int = 3, width: int = 64, epochs: int = 10, batch_size: int = 64,
                          target: float = 0.05, dtype=np.float32) -> Comparison:
    """The same ``depth × width`` network on the digits with each activation and its own
    initialization, momentum SGD at each learning rate, from each seed.

    Inputs are standardized with training statistics (:func:`~nnbook.experiments.hyperparameters.digits_problem`:
    600 training, 300 validation and the held-out test digits). All (rate, seed) runs of one
    activation are trained together as one population (:func:`nnbook.nn.train_many`). Seed
    ``s`` gives the initial weights and the minibatch order, so that every activation sees
    the same draws: the comparison is paired by seed. The rate of each activation is the one
    with the best mean validation accuracy; the test split is used once, for the chosen runs.
    """
    problem = digits_problem()
    lrs, seeds = [float(lr) for lr in lrs], [int(s) for s in seeds]
    epochs, depth, width = positive_int(epochs, "epochs"), positive_int(depth, "depth"), positive_int(width, "width")
    if len(seeds) < 2:
        raise ValueError(f"seeds must hold at least 2 seeds for a paired comparison; got {seeds}")
    val, loss, chosen, test = {}, {}, {}, {}
    for a in activations:
        members = [(lr, s) for lr in lrs for s in seeds]
        nets = [nn.MLP([64] + [width] * depth + [10], a, INIT_FOR.get(a, "he_normal"), rng=s, dtype=dtype)
                for _, s in members]
        histories = nn.train_many(nets, problem.X_train, problem.y_train, lr=[lr for lr, _ in members], epochs=epochs,
                                  rng=[s for _, s in members], batch_size=batch_size, momentum=0.9,
                                  on_divergence="stop")
        curves = np.full((len(members), epochs), np.nan)
        for curve, h in zip(curves, histories):
            curve[:len(h.loss)] = h.loss
        val[a] = np.array([0.0 if h.diverged else nn.accuracy(net.forward(problem.X_val), problem.y_val)
                           for net, h in zip(nets, histories)]).reshape(len(lrs), len(seeds))
        loss[a] = curves.reshape(len(lrs), len(seeds), epochs)
        best = int(np.argmax(val[a].mean(axis=1)))  # chosen on the validation split only
        chosen[a] = lrs[best]
        test[a] = np.array([nn.accuracy(net.forward(problem.X_test), problem.y_test)
                            for net, (lr, _) in zip(nets, members) if lr == chosen[a]])
    return Comparison(list(activations), lrs, seeds, epochs, val, loss, chosen, test, target, len(problem.y_val),
                      len(problem.y_test))


# ----------------------------------------------------------------------------- the ledger


def chapter_claims(chapters=CHAPTERS) -> list:
    """``(chapter, claims)`` for every experiment module in ``chapters`` that has a
    ``claims`` function: ``claims(run_chapter())``. In the book's build every
    ``run_chapter`` is answered by the results cache, so nothing is trained twice."""
    out = []
    for name in chapters:
        module = importlib.import_module(f"nnbook.experiments.{name}")
        collect = getattr(module, "claims", None)
        if collect is not None:
            out.append((name, list(collect(module.run_chapter()))))
    return out


@memoize
def run_chapter() -> dict:
    """The activation comparison and the claims of the other chapters (reused from their
    runs when the build shares results)."""
    return {"comparison": activation_comparison(), "chapters": chapter_claims()}


def _weakest(effects: list) -> stats.Effect:
    """The effect that decides a claim made about all of ``effects`` at once ("beats every
    one of them"): one that contradicts it if any does (the lowest upper bound below 0),
    otherwise the one with the lowest lower bound. Its verdict is the claim's: it holds only
    if every interval lies above 0."""
    against = [e for e in effects if e.ci[1] < 0]
    if against:
        return min(against, key=lambda e: e.ci[1])
    return min(effects, key=lambda e: e.ci[0])


def _kendall_tau(order, values) -> float:
    """Kendall's rank correlation between a claimed order (best first) and measured values."""
    pairs = [(i, j) for i in range(len(order)) for j in range(i + 1, len(order))]
    signs = [np.sign(values[order[i]] - values[order[j]]) for i, j in pairs]
    return float(np.mean(signs))


def _fmt(e: stats.Effect) -> str:
    return f"{e.mean:+.1f} [{e.ci[0]:+.1f}, {e.ci[1]:+.1f}]"


def claims(results: dict) -> list[stats.Claim]:
    """The claims this chapter's activation comparison tests, with their paired intervals.

    A claim about several comparisons at once ("beats every ReLU variant", a ranking, "never
    the sigmoid") holds only if every comparison it makes holds: each is a paired interval,
    and the claim's effect is the weakest of them (the one that decides the verdict).
    """
    comp = results["comparison"]
    n = len(comp.seeds)
    leaky = comp.effect("leaky_relu", "relu")
    wins = int(np.sum(comp.test_accuracy["leaky_relu"] > comp.test_accuracy["relu"]))
    ties = int(np.sum(comp.test_accuracy["leaky_relu"] == comp.test_accuracy["relu"]))
    variants = {b: comp.effect("elu", b) for b in ("relu", "leaky_relu")}
    elu = _weakest(list(variants.values()))
    pairs = [comp.effect(a, b) for a, b in zip(HANDS_ON_RANKING, HANDS_ON_RANKING[1:])]
    ranking = _weakest(pairs)
    weakest_pair = pairs.index(ranking)
    others = {a: comp.effect(a, "sigmoid") for a in comp.activations if a != "sigmoid"}
    sigmoid = _weakest(list(others.values()))
    taus = [_kendall_tau(HANDS_ON_RANKING, {a: comp.test_accuracy[a][k] for a in comp.activations})
            for k in range(n)]
    relu_e, tanh_e = comp.epochs_to_target("relu"), comp.epochs_to_target("tanh")

    def epochs_text(e):
        reached = np.isfinite(e)
        if not reached.any():
            return f"never within {comp.epochs}"
        return f"{np.mean(e[reached]):.1f}" + ("" if reached.all() else f" ({int(reached.sum())} of {n} seeds)")

    setup = (f"digits, 3 × 64 net, {comp.epochs} epochs, {n} paired seeds, learning rate chosen on validation, "
             "test accuracy")
    pair_names = f"{NAMES[HANDS_ON_RANKING[weakest_pair]]} vs {NAMES[HANDS_ON_RANKING[weakest_pair + 1]]}"
    return [
        stats.Claim("leaky-relu-beats-relu", "Leaky ReLU always beats ReLU.", "common advice",
                    f"{setup}: Leaky ReLU minus ReLU; Leaky ReLU was better with {wins} of {n} seeds "
                    f"({ties} ties)", stats.verdict(leaky), leaky, "tbl-activation-pairs"),
        stats.Claim("elu-beats-relu-variants", "ELU beats every ReLU variant.", "{cite:t}`clevert2015elu`",
                    f"{setup}: ELU minus ReLU {_fmt(variants['relu'])}, minus Leaky ReLU "
                    f"{_fmt(variants['leaky_relu'])} points; the weaker of the two decides",
                    stats.verdict(elu), elu, "tbl-activation-pairs"),
        stats.Claim("hands-on-ml-ranking", "SELU > ELU > Leaky ReLU > ReLU > tanh > logistic.",
                    "{cite:t}`geron2019hands`",
                    f"{setup}: each of the 5 neighboring pairs of the ranking as a paired difference (the ranking "
                    f"holds only if all 5 do); the weakest is {pair_names}; Kendall's τ between the ranking and "
                    f"each seed's accuracies averages {np.mean(taus):.2f}", stats.verdict(ranking), ranking,
                    "tbl-activation-pairs"),
        stats.Claim("no-sigmoid-in-hidden-layers", "Do not use the sigmoid in hidden layers.",
                    "{cite:t}`cs231n2017lecture6`",
                    f"{setup}: every other activation minus the sigmoid; the smallest gap is "
                    f"{NAMES[min(others, key=lambda a: others[a].ci[0])]}'s", stats.verdict(sigmoid), sigmoid,
                    "tbl-activation-pairs"),
        stats.Claim("relu-6x-faster-than-tanh", "ReLU networks converge about 6× faster than tanh networks.",
                    "{cite:t}`krizhevsky2012imagenet`",
                    f"Krizhevsky et al. timed a 4-layer convolutional net on CIFAR-10 to 25 % training error; here "
                    f"a 3 × 64 fully connected net on 600 digits reaches training loss {comp.target:g} in "
                    f"{epochs_text(relu_e)} epochs with ReLU and {epochs_text(tanh_e)} with tanh, each at its "
                    "chosen rate — a different scale and protocol", "not tested at a comparable scale", None,
                    "tbl-comparison"),
    ]


def book_claims(results: dict) -> list:
    """``(chapter, Claim)`` for every claim the book tests: the other chapters' (from
    ``results["chapters"]``) and this chapter's. Raises ValueError if two share an id."""
    entries = [(name, c) for name, cs in results["chapters"] for c in cs]
    entries += [("practice", c) for c in claims(results)]
    seen = {}
    for name, c in entries:
        if not isinstance(c, stats.Claim):
            raise TypeError(f"chapter {name!r} returned a {type(c).__name__} among its claims; expected stats.Claim")
        if c.id in seen:
            raise ValueError(f"claim id {c.id!r} is used twice (by {seen[c.id]!r} and {name!r}); ids must be unique")
        seen[c.id] = name
    return entries


def standardized(effect: stats.Effect) -> tuple[float, float, float]:
    """The effect and its interval divided by the standard deviation of the per-seed
    differences (the standardized mean difference of paired runs, Cohen's d_z), so that
    effects measured in different units share one axis. Dividing by a positive number
    keeps the sign of the mean and of both ends of the interval, so a verdict read off the
    standardized interval is the verdict of the original one.

    Without stored differences, the standard deviation is recovered from the t interval's
    half-width. A zero standard deviation (every run agrees) is returned as ±inf.
    """
    if effect.differences:
        sd = float(np.std(effect.differences, ddof=1))
    else:
        from scipy.special import stdtrit

        sd = (effect.ci[1] - effect.ci[0]) / 2 * np.sqrt(effect.n) / stdtrit(effect.n - 1, 0.5 + effect.confidence / 2)
    if sd == 0:
        inf = np.inf if effect.mean >= 0 else -np.inf
        return inf, inf, inf
    return effect.mean / sd, effect.ci[0] / sd, effect.ci[1] / sd


_CITE = re.compile(r"\{cite:[pt]\}`([^`]+)`")


def plain_source(source: str, cite=None) -> str:
    """``source`` with every ``{cite:t}`key``` role replaced by ``cite(key)`` (or the key)."""
    return _CITE.sub(lambda m: "; ".join((cite or str)(k.strip()) for k in m.group(1).split(",")), source)


def ledger(entries, *, version: str, source_hash: str, evidence_url=None, cite=None) -> dict:
    """The downloadable ledger of claims as a JSON-ready dict.

    Parameters
    ----------
    entries : list of (chapter, stats.Claim), e.g. from :func:`book_claims`.
    version, source_hash : str
        The ``nnbook`` version and the hash of its source (``_memo.source_hash()``) the
        claims were computed with.
    evidence_url : callable label -> URL, optional
        Resolves a claim's evidence label to the page and anchor that show it
        ("book/dead-relu.html#fig-dead-sweep"); the label itself when omitted.
    cite : callable key -> str, optional
        Renders a citation key as plain text ("He et al. 2015") in the sources.

    Returns
    -------
    dict
        Keys package, version, source_hash, verdicts and claims: a list with one object per
        claim — id, chapter, claim, source, measured, verdict, effect (signed so that positive
        supports the claim), ci ([low, high], 95 %), unit, n (paired runs; None for claims
        without an interval), caveat, evidence (URL) and evidence_label.
    """
    rows, seen = [], set()
    for chapter, c in entries:
        if c.id in seen:
            raise ValueError(f"claim id {c.id!r} is used twice; ids must be unique")
        seen.add(c.id)
        row = {"id": c.id, "chapter": chapter, **{k: v for k, v in c.to_json().items() if k != "id"}}
        row["source"] = plain_source(c.source, cite)
        row["evidence_label"] = c.evidence
        row["evidence"] = evidence_url(c.evidence) if evidence_url else c.evidence
        if c.effect is not None and c.effect.confidence != 0.95:
            raise ValueError(f"claim {c.id!r}: the ledger holds 95 % intervals; got {c.effect.confidence}")
        rows.append(row)
    return {"package": "nnbook", "version": version, "source_hash": source_hash, "verdicts": list(stats.VERDICTS),
            "claims": rows}


# ----------------------------------------------------------------------------- tables and numbers


def comparison_rows(comp: Comparison) -> list[tuple]:
    """Rows of the comparison table: activation, init, chosen lr, validation and test
    accuracy (mean ± std over seeds), epochs to the training-loss target."""
    rows = []
    for a in comp.ranking():
        m, sd = comp.accuracy(a)
        v = comp.val_accuracy[a][comp.lrs.index(comp.chosen_lr[a])]
        e = comp.epochs_to_target(a)
        rows.append((NAMES.get(a, a), INIT_FOR.get(a, "he_normal"),
                     f"{comp.chosen_lr[a]:g}" + (" (edge)" if comp.at_edge(a) else ""),
                     f"{100 * v.mean():.1f} ± {100 * v.std(ddof=1):.1f} %", f"{100 * m:.1f} ± {100 * sd:.1f} %",
                     "never" if np.isinf(e).all() else f"{e[np.isfinite(e)].mean():.1f}"
                     + ("" if np.isfinite(e).all() else f" ({int(np.isfinite(e).sum())} seeds)")))
    return rows


def pair_rows(comp: Comparison) -> list[tuple]:
    """Rows of the paired-differences table: every comparison the activation claims make."""
    pairs = [("leaky_relu", "relu"), ("elu", "relu"), ("elu", "leaky_relu")]
    pairs += [p for p in zip(HANDS_ON_RANKING, HANDS_ON_RANKING[1:]) if p not in pairs]
    pairs += [(a, "sigmoid") for a in comp.activations if a != "sigmoid" and (a, "sigmoid") not in pairs]
    rows = []
    for a, b in pairs:
        e = comp.effect(a, b)
        rows.append((f"{NAMES[a]} − {NAMES[b]}", f"{e.mean:+.2f}".replace("-", "−"),
                     f"[{e.ci[0]:+.2f}, {e.ci[1]:+.2f}]".replace("-", "−"),
                     f"{int(np.sum(np.array(e.differences) > 0))} / {e.n}", stats.verdict(e)))
    return rows


def _evidence_link(label: str) -> str:
    if not label:
        return ""
    role = "numref" if label.split("-")[0] in ("fig", "tbl", "eq") else "ref"
    return f"{{{role}}}`{label}`"


def _effect_text(e) -> str:
    if e is None:
        return "—"
    return f"{e.mean:+.3g} [{e.ci[0]:.3g}, {e.ci[1]:.3g}], n = {e.n}; {e.unit}".replace("-", "−")


def claims_rows(entries) -> list[tuple]:
    """Rows of the claims table: the claim with its source, what was measured, the effect
    with its 95 % interval, unit and n, and the verdict (with its caveat) with a link to the
    evidence."""
    rows = []
    for _, c in entries:
        verdict = f"**{c.verdict}**" + (f": {c.caveat}" if c.caveat else "")
        link = _evidence_link(c.evidence)
        rows.append((f"{c.claim} ({c.source})", c.measured, _effect_text(c.effect),
                     verdict + (f" ({link})" if link else "")))
    return [tuple(str(x).replace("|", "\\|") for x in row) for row in rows]


def summary(results: dict) -> dict:
    """The numbers the chapter's prose quotes."""
    comp = results["comparison"]
    out = {"cmp-epochs": comp.epochs, "cmp-seeds": len(comp.seeds), "cmp-target": comp.target,
           "cmp-n-lrs": len(comp.lrs), "cmp-lr-lo": min(comp.lrs), "cmp-lr-hi": max(comp.lrs),
           "cmp-n-val": comp.n_val, "cmp-n-test": comp.n_test,
           "cmp-edge": ", ".join(NAMES[a] for a in comp.activations if comp.at_edge(a)) or "none"}
    for a in comp.activations:
        m, sd = comp.accuracy(a)
        out[f"cmp-{a}-acc"], out[f"cmp-{a}-lr"] = 100 * m, comp.chosen_lr[a]
    entries = book_claims(results)
    verdicts = [c.verdict for _, c in entries]
    out["n-claims"] = len(verdicts)
    out["n-chapters"] = len({name for name, _ in entries})
    out["n-seeded"] = sum(c.effect is not None for _, c in entries)
    for v in stats.VERDICTS:
        out[f"n-{v.replace(' ', '-')}"] = sum(x == v for x in verdicts)
    out.update(stats.claim_numbers(claims(results)))
    return out

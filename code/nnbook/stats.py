"""Paired comparisons over seeds, confidence intervals, and the book's verdicts on claims.

A claim such as "Leaky ReLU beats ReLU" is tested by training both arms from the same seeds
(same initial weights and minibatch order where the design allows) and looking at the
per-seed differences ``d_i = a_i − b_i``, signed so that a positive difference supports the
claim. The 95 % interval of their mean decides the verdict:

* the interval lies above 0 → ``"holds"``;
* it lies below 0 → ``"does not hold"``;
* it contains 0 → ``"no detectable difference"``: the experiment cannot tell, and the
  interval says how large an effect could hide at this scale.

The interval is Student's t interval on the paired differences. With the 10–20 seeds a
build can afford, a percentile bootstrap is known to be too narrow (it undercovers for
small n), while the t interval is exact for normal differences and robust enough for the
roughly symmetric differences of accuracies and losses; :func:`paired` can also report a
bootstrap interval for comparison.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.special import stdtrit

from nnbook._validation import as_generator, one_of

__all__ = ["VERDICTS", "Effect", "Claim", "paired", "one_sample", "verdict", "claim_numbers"]

#: Every verdict the book prints, in the ledger's spelling.
VERDICTS = ("holds", "holds with caveats", "does not hold", "no detectable difference",
            "not tested at a comparable scale")


@dataclass(frozen=True)
class Effect:
    """A mean effect with its confidence interval.

    Attributes
    ----------
    mean : float
        Mean of the per-seed differences, signed so that a positive value supports the claim.
    ci : (float, float)
        Confidence interval of the mean (``confidence``, default 95 %).
    n : int
        Number of paired runs (seeds).
    unit : str
        Unit of the differences ("accuracy points", "epochs", …).
    method : str
        "t" (Student's t on the paired differences) or "bootstrap".
    differences : tuple of float
        The per-seed differences themselves.
    confidence : float
    """

    mean: float
    ci: tuple
    n: int
    unit: str = ""
    method: str = "t"
    differences: tuple = ()
    confidence: float = 0.95

    def excludes_zero(self) -> bool:
        """True when the interval lies entirely on one side of 0."""
        return self.ci[0] > 0 or self.ci[1] < 0


def _finite_1d(values, name):
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of per-seed values; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf); got {arr.tolist()}")
    return arr


def one_sample(differences, *, unit: str = "", confidence: float = 0.95, method: str = "t",
               n_boot: int = 10_000, rng=0) -> Effect:
    """Mean and confidence interval of per-seed differences (already paired).

    Parameters
    ----------
    differences : 1-D array of n ≥ 2 finite values, signed so that > 0 supports the claim.
    confidence : float in (0, 1)
    method : "t" or "bootstrap"
        Student's t interval ``mean ± t_{n−1} · sd / √n`` (default), or the percentile
        bootstrap over ``n_boot`` resamples drawn with ``rng``.
    """
    d = _finite_1d(differences, "differences")
    if d.size < 2:
        raise ValueError(f"an interval needs at least 2 paired runs; got {d.size}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1); got {confidence}")
    one_of(method, ("t", "bootstrap"), "method")
    mean = float(d.mean())
    if method == "t":
        half = float(stdtrit(d.size - 1, 0.5 + confidence / 2) * d.std(ddof=1) / np.sqrt(d.size))
        ci = (mean - half, mean + half)
    else:
        rng = as_generator(rng)
        means = d[rng.integers(0, d.size, size=(n_boot, d.size))].mean(axis=1)
        lo, hi = np.quantile(means, [0.5 - confidence / 2, 0.5 + confidence / 2])
        ci = (float(lo), float(hi))
    return Effect(mean=mean, ci=ci, n=int(d.size), unit=unit, method=method,
                  differences=tuple(float(x) for x in d), confidence=confidence)


def paired(a, b, **kwargs) -> Effect:
    """Effect of arm ``a`` over arm ``b``: differences ``a_i − b_i`` of runs paired by seed.

    ``a`` and ``b`` are 1-D arrays of the same length (one value per seed); keyword
    arguments are those of :func:`one_sample`.
    """
    a, b = _finite_1d(a, "a"), _finite_1d(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must hold one value per seed for the same seeds; got {a.size} and {b.size}")
    return one_sample(a - b, **kwargs)


def verdict(effect: Effect, *, caveat: str | None = None) -> str:
    """The three-way verdict of a seeded claim from its interval.

    ``"holds"`` (or ``"holds with caveats"`` when ``caveat`` names the condition) if the
    interval lies above 0, ``"does not hold"`` if it lies below 0, otherwise
    ``"no detectable difference"``.
    """
    if not isinstance(effect, Effect):
        raise TypeError(f"effect must be an Effect (from stats.paired or stats.one_sample); got {type(effect).__name__}")
    lo, hi = effect.ci
    if lo > 0:
        return "holds with caveats" if caveat else "holds"
    if hi < 0:
        return "does not hold"
    return "no detectable difference"


@dataclass
class Claim:
    """One claim the book tests, with its evidence.

    Attributes
    ----------
    id : str
        Short stable identifier ("leaky-beats-relu").
    claim : str
        The claim as it is commonly stated.
    source : str
        Where it comes from (may contain a ``{cite:t}`` role for the book's table).
    measured : str
        What was measured, in one sentence (may quote numbers).
    verdict : str
        One of :data:`VERDICTS`.
    effect : Effect or None
        The paired effect with its interval; None for deterministic claims (a derivation,
        an identity) and for claims not tested at a comparable scale.
    evidence : str
        Label of the figure or table in the book ("fig-dead-sweep") or of a chapter ("dead-relu").
    caveat : str or None
        The condition under which a "holds with caveats" claim holds.
    """

    id: str
    claim: str
    source: str
    measured: str
    verdict: str
    effect: Effect | None = None
    evidence: str = ""
    caveat: str | None = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        one_of(self.verdict, VERDICTS, "verdict")
        if self.effect is not None and self.verdict in ("holds", "does not hold", "no detectable difference"):
            expected = verdict(self.effect)
            if expected != self.verdict:
                raise ValueError(f"claim {self.id!r}: verdict {self.verdict!r} contradicts its interval "
                                 f"{self.effect.ci} (which gives {expected!r})")
        if self.verdict == "holds with caveats" and not self.caveat:
            raise ValueError(f"claim {self.id!r}: 'holds with caveats' needs the caveat stated")

    def to_json(self) -> dict:
        """A JSON-ready dict (the ledger's fields)."""
        e = self.effect
        return {"id": self.id, "claim": self.claim, "source": self.source, "measured": self.measured,
                "verdict": self.verdict, "effect": None if e is None else e.mean,
                "ci": None if e is None else list(e.ci), "unit": None if e is None else e.unit,
                "n": None if e is None else e.n, "caveat": self.caveat, "evidence": self.evidence}


def claim_numbers(claims) -> dict:
    """The numbers a chapter quotes for its claims, keyed for ``glue``: for each claim
    ``claim-<id>-verdict`` and, when it has an interval, ``claim-<id>-mean`` (also as
    ``claim-<id>-effect``), ``claim-<id>-lo``, ``claim-<id>-hi`` and ``claim-<id>-n``."""
    out = {}
    for c in claims:
        if c.effect is not None:
            out[f"claim-{c.id}-mean"] = out[f"claim-{c.id}-effect"] = c.effect.mean
            out[f"claim-{c.id}-lo"], out[f"claim-{c.id}-hi"] = c.effect.ci
            out[f"claim-{c.id}-n"] = c.effect.n
        out[f"claim-{c.id}-verdict"] = c.verdict
    return out

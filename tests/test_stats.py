"""Tests of nnbook.stats: intervals against scipy and simulation, verdicts against their intervals."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sps

from nnbook import stats


def test_t_interval_matches_scipy():
    d = np.array([0.3, -0.1, 0.5, 0.2, 0.4, 0.0, 0.6, 0.1, 0.2, 0.3])
    e = stats.one_sample(d, unit="points")
    lo, hi = sps.t.interval(0.95, d.size - 1, loc=d.mean(), scale=sps.sem(d))
    assert e.ci == pytest.approx((lo, hi), rel=1e-12)
    assert e.mean == pytest.approx(d.mean()) and e.n == 10 and e.unit == "points"


def test_paired_is_one_sample_of_differences():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=12), rng.normal(size=12)
    assert stats.paired(a, b).ci == pytest.approx(stats.one_sample(a - b).ci)


def test_t_interval_covers_the_true_mean_95_percent_of_the_time():
    rng = np.random.default_rng(2)
    samples = rng.normal(0.7, 1.3, size=(4000, 10))
    covered = 0
    for s in samples:
        lo, hi = stats.one_sample(s).ci
        covered += lo <= 0.7 <= hi
    # binomial sd of the coverage over 4000 trials is 0.0034: 5 sd either side
    assert abs(covered / 4000 - 0.95) < 5 * 0.0035


def test_bootstrap_is_seeded_and_near_the_t_interval():
    d = np.random.default_rng(3).normal(1.0, 1.0, size=30)
    b1 = stats.one_sample(d, method="bootstrap", rng=5)
    b2 = stats.one_sample(d, method="bootstrap", rng=5)
    assert b1.ci == b2.ci
    t = stats.one_sample(d)
    assert b1.ci == pytest.approx(t.ci, abs=0.15)


@given(st.lists(st.floats(-100, 100), min_size=2, max_size=30))
def test_verdict_follows_the_interval(values):
    e = stats.one_sample(values)
    v = stats.verdict(e)
    lo, hi = e.ci
    assert (v == "holds") == (lo > 0)
    assert (v == "does not hold") == (hi < 0)
    assert (v == "no detectable difference") == (lo <= 0 <= hi)


def test_verdict_with_caveat_and_claim_checks_its_interval():
    e = stats.one_sample([1.0, 1.2, 0.9, 1.1])
    assert stats.verdict(e, caveat="at small learning rates") == "holds with caveats"
    stats.Claim("x", "x", "src", "m", "holds", effect=e)
    with pytest.raises(ValueError, match="contradicts its interval"):
        stats.Claim("x", "x", "src", "m", "does not hold", effect=e)
    with pytest.raises(ValueError, match="needs the caveat"):
        stats.Claim("x", "x", "src", "m", "holds with caveats", effect=e)
    with pytest.raises(ValueError, match="verdict must be one of"):
        stats.Claim("x", "x", "src", "m", "does not hold here")
    j = stats.Claim("x", "c", "src", "m", "holds", effect=e, evidence="fig-x").to_json()
    assert j["ci"] == list(e.ci) and j["n"] == 4 and j["verdict"] == "holds"


@pytest.mark.parametrize("bad, match", [
    ([1.0], "at least 2"), ([1.0, np.nan], "finite"), ([[1.0, 2.0]], "1-D"),
])
def test_bad_input_is_refused(bad, match):
    with pytest.raises(ValueError, match=match):
        stats.one_sample(bad)
    with pytest.raises(ValueError, match="one value per seed"):
        stats.paired([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="method"):
        stats.one_sample([1, 2], method="z")


def test_claim_numbers_keys_for_glue():
    from nnbook import stats
    e = stats.paired([1.0, 2.0, 3.0], [0.0, 0.5, 1.0], unit="u")
    claims = [stats.Claim("a-b", "claim", "src", "measured", stats.verdict(e), e),
              stats.Claim("c", "claim", "src", "derivation", "holds")]
    out = stats.claim_numbers(claims)
    assert out["claim-a-b-mean"] == out["claim-a-b-effect"] == e.mean
    assert (out["claim-a-b-lo"], out["claim-a-b-hi"]) == e.ci and out["claim-a-b-n"] == 3
    assert out["claim-a-b-verdict"] == "holds" and out["claim-c-verdict"] == "holds"
    assert "claim-c-mean" not in out

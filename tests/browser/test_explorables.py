"""The interactive charts in a real browser (headless Chromium, network off).

For each chart: it is drawn from the site's own script (no error), moving its slider (or
choosing a button) redraws it, and the value the chart displays is the value in its data.
The expected values are read from the chart's embedded spec, which the unit tests
(tests/test_explore.py) compare with the package.

    pytest tests/browser --site-dir _build/html
"""

from __future__ import annotations

import json
import math
import time

import pytest

WAIT = 30  # seconds for the bundle to load and draw


def _open(driver, url):
    """Open ``url`` and wait until its first chart is drawn; return the chart's spec."""
    driver.get(url)
    deadline = time.time() + WAIT
    while time.time() < deadline:
        state = driver.execute_script("const el = document.querySelector('div.nnbook-explore'); "
                                      "return el ? (el.dataset.state || 'none') : 'missing';")
        if state in ("ready", "error", "missing"):
            break
        time.sleep(0.1)
    assert state == "ready", (state, driver.execute_script(
        "const el = document.querySelector('div.nnbook-explore'); return el && el.dataset.error;"))
    text = driver.execute_script("return document.querySelector('div.nnbook-explore script.nnbook-explore-spec').textContent")
    return json.loads(text)


def _svg(driver) -> str:
    return driver.execute_script("return document.querySelector('div.nnbook-explore svg').outerHTML")


def _texts(driver) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('div.nnbook-explore svg text')].map(t => t.textContent)")


def _set(driver, name: str, value) -> None:
    """Move slider ``name`` to ``value`` (or click radio button ``value`` of ``name``) as a reader would."""
    found = driver.execute_script("""
        const [name, value] = arguments;
        const el = document.querySelector('div.nnbook-explore');
        const inputs = [...el.querySelectorAll('input')].filter(i => i.name === name);
        if (!inputs.length) return false;
        if (inputs[0].type === 'radio') {
            const button = inputs.find(i => i.value === String(value));
            if (!button) return false;
            button.click();
        } else {
            inputs[0].value = String(value);
            inputs[0].dispatchEvent(new Event('input', {bubbles: true}));
        }
        return true;""", name, value)
    assert found, f"no control {name!r} = {value!r}"
    deadline = time.time() + 5
    while time.time() < deadline:  # the view re-renders asynchronously
        signal = driver.execute_script("return document.querySelector('div.nnbook-explore').nnbookView.signal(arguments[0])", name)
        if str(signal) == str(value) or (isinstance(signal, (int, float)) and math.isclose(signal, float(value))):
            break
        time.sleep(0.05)
    time.sleep(0.3)


def _displayed(driver, prefix: str) -> str:
    matches = [t for t in _texts(driver) if t.startswith(prefix)]
    assert matches, f"no text starting with {prefix!r} in {_texts(driver)[:30]}"
    return matches[0]


def _no_errors(driver):
    logs = driver.get_log("browser")
    bad = [entry["message"] for entry in logs if entry["level"] == "SEVERE" and "nnbook-explore" in entry["message"]]
    assert not bad, bad


def _row(rows, **where):
    found = [r for r in rows if all(math.isclose(r[k], v, abs_tol=1e-9) if isinstance(v, float) else r[k] == v
                                    for k, v in where.items())]
    assert len(found) >= 1, where
    return found


def test_softmax_temperature_slider(driver, page_url):
    spec = _open(driver, page_url("book/softmax"))
    curve = spec["datasets"]["curve"]
    before_svg, before = _svg(driver), _displayed(driver, "T = ")
    row = _row(curve, lt=0.0)[0]
    assert before == f"T = 1,  entropy {row['H']:.3f} nats"
    _set(driver, "lt", -1)
    after = _displayed(driver, "T = ")
    row = _row(curve, lt=-1.0)[0]
    assert after == f"T = 0.1,  entropy {row['H']:.3f} nats"
    assert _svg(driver) != before_svg
    # the bars are drawn at the data's heights (plot height 220): the tallest is the largest probability
    _set(driver, "lt", -0.3)
    heights = driver.execute_script("""
        return [...document.querySelectorAll('div.nnbook-explore svg g.mark-rect path')].map(p => p.getBBox().height);""")
    probabilities = [r["p"] for r in spec["datasets"]["bars"] if math.isclose(r["lt"], -0.3)]
    assert 0.5 < max(probabilities) < 0.95
    assert max(heights) == pytest.approx(220 * max(probabilities), abs=1.0)
    _no_errors(driver)


def test_initialization_scale_slider_and_activation(driver, page_url):
    spec = _open(driver, page_url("book/initialization"))
    rows = spec["datasets"]["layers"]
    before_svg = _svg(driver)
    assert _displayed(driver, "tanh,").startswith("tanh,  σ = 0.0447")  # starts at Xavier
    _set(driver, "ls", -1.5)
    nearest = min({r["ls"] for r in rows}, key=lambda v: abs(v + 1.5))
    sigma = _row(rows, a="tanh", ls=nearest)[0]["s"]
    assert _displayed(driver, "tanh,") == f"tanh,  σ = {sigma:.3g}"
    moved_svg = _svg(driver)
    assert moved_svg != before_svg
    _set(driver, "act", "relu")
    assert _displayed(driver, "relu,") == f"relu,  σ = {sigma:.3g}"
    assert _svg(driver) != moved_svg
    _no_errors(driver)


def test_dead_relu_learning_rate_slider(driver, page_url):
    spec = _open(driver, page_url("book/dead-relu"))
    acc = spec["datasets"]["accuracy"]
    before_svg = _svg(driver)
    grid = sorted({r["llr"] for r in acc})
    value = grid[-3]
    _set(driver, "llr", value)
    raw, centered = (_row(acc, llr=value, **{"in": name})[0] for name in ("raw", "centered"))
    text = _displayed(driver, "learning rate ")
    assert text == (f"learning rate {raw['lr']:.3g}: accuracy raw {round(100 * raw['acc'])}%, "
                    f"centered {round(100 * centered['acc'])}%")
    assert _svg(driver) != before_svg
    _no_errors(driver)


def test_bending_space_training_slider_and_stage(driver, page_url):
    spec = _open(driver, page_url("book/nonlinearity"))
    weights = spec["datasets"]["weights"]
    last = weights[-1]
    assert _displayed(driver, "after ") == f"after {last['e']} epochs: training accuracy {round(100 * last['acc'])}%"
    before_svg = _svg(driver)
    _set(driver, "k", 3)
    w = weights[3]
    assert _displayed(driver, "after ") == f"after {w['e']} epochs: training accuracy {round(100 * w['acc'])}%"
    moved_svg = _svg(driver)
    assert moved_svg != before_svg
    _set(driver, "stage", "x W + b")
    assert "x W + b" in _texts(driver)
    assert _svg(driver) != moved_svg
    _no_errors(driver)


def test_chart_pages_load_the_bundle_once_from_the_site(driver, page_url):
    for page in ("book/softmax", "book/nonlinearity"):
        driver.get(page_url(page))
        scripts = driver.execute_script(
            "return [...document.scripts].map(s => s.src).filter(s => s.includes('nnbook-explore'))")
        assert len(scripts) == 1 and scripts[0].startswith("http://127.0.0.1:"), scripts
        assert "/_static/nnbook-explore.js" in scripts[0]
    driver.get(page_url("book/activations"))  # no chart, no bundle
    assert not driver.execute_script("return [...document.scripts].some(s => s.src.includes('nnbook-explore'))")

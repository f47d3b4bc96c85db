"""Every built page in headless Chromium with the network off: math rendered, no JavaScript
error, every image loaded, and the hidden cells and solution dropdowns open on a click."""

from __future__ import annotations

from pathlib import Path

import pytest

SKIP_DIRS = {"_static", "_sources", "_images", "jupyter_execute"}

WAIT_FOR_PAGE = """
const done = arguments[arguments.length - 1];
const start = Date.now();
function images() {
  const all = Array.from(document.images);
  all.forEach(img => { img.loading = "eager"; });
  return Promise.all(all.map(img => img.complete ? null : new Promise(r => {
    img.addEventListener("load", r); img.addEventListener("error", r); })));
}
function mathjax() {
  if (!document.querySelector(".math")) return Promise.resolve();
  return new Promise((resolve, reject) => {
    (function poll() {
      if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
        MathJax.startup.promise.then(resolve, reject);
      } else if (Date.now() - start > 15000) {
        reject("MathJax did not start");
      } else {
        setTimeout(poll, 25);
      }
    })();
  });
}
Promise.all([images(), mathjax()]).then(() => done(null), e => done(String(e)));
"""

PAGE_STATE = """
const math = Array.from(document.querySelectorAll(".math"));
const body = document.body.cloneNode(true);
body.querySelectorAll("pre, code, script, style, textarea, mjx-container, mjx-assistive-mml").forEach(e => e.remove());
return {
  math: math.length,
  rendered: math.filter(e => e.querySelector("mjx-container")).length,
  unrendered: math.filter(e => !e.querySelector("mjx-container")).slice(0, 3).map(e => e.textContent.slice(0, 80)),
  errors: Array.from(document.querySelectorAll("mjx-merror")).slice(0, 3).map(e => e.textContent),
  text: body.textContent,
  images: Array.from(document.images).map(img => ({src: img.getAttribute("src"), ok: img.complete && img.naturalWidth > 0})),
};
"""


def _built_pages(site_dir: Path) -> list[str]:
    pages = []
    for path in sorted(site_dir.rglob("*.html")):
        relative = path.relative_to(site_dir)
        if not SKIP_DIRS & set(relative.parts[:-1]):
            pages.append(relative.with_suffix("").as_posix())
    return pages


def pytest_generate_tests(metafunc):
    if "page" in metafunc.fixturenames:
        site_dir = Path(metafunc.config.getoption("--site-dir"))
        metafunc.parametrize("page", _built_pages(site_dir))


def open_page(driver, url: str) -> dict:
    driver.get_log("browser")  # forget the previous page's messages
    driver.get(url)
    problem = driver.execute_async_script(WAIT_FOR_PAGE)
    assert problem is None, f"{url}: {problem}"
    return driver.execute_script(PAGE_STATE)


def test_site_has_its_pages(site_dir):
    pages = _built_pages(site_dir)
    assert "index" in pages and "book/activations" in pages and len(pages) >= 15, pages


def test_page_renders(driver, page_url, page):
    state = open_page(driver, page_url(page))
    assert state["rendered"] == state["math"], f"{page}: formulas left as TeX: {state['unrendered']}"
    assert not state["errors"], f"{page}: TeX errors: {state['errors']}"
    for raw in ("\\(", "\\)", "\\[", "\\]", "$$"):
        at = state["text"].find(raw)
        assert at < 0, f"{page}: raw TeX {raw!r} in the text: …{state['text'][max(0, at - 60):at + 60]}…"
    broken = [img["src"] for img in state["images"] if not img["ok"]]
    assert not broken, f"{page}: images that did not load: {broken}"
    severe = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert not severe, f"{page}: JavaScript errors: {severe}"


def test_math_is_typeset_on_a_formula_page(driver, page_url):
    state = open_page(driver, page_url("book/activations"))
    assert state["math"] >= 50 and state["rendered"] == state["math"]


def test_hidden_cells_and_solutions_open_on_click(driver, page_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    opened = 0
    for page in ("book/softmax", "book/activations"):
        open_page(driver, page_url(page))
        # a collapsed input cell (hide-input) is a <details>; its summary opens it
        details = driver.find_elements(By.CSS_SELECTOR, "details.hide.above-input")
        assert details, f"{page}: no collapsed code cell"
        cell = details[0]
        assert cell.get_attribute("open") is None
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
        cell.find_element(By.TAG_NAME, "summary").click()
        assert cell.get_attribute("open") is not None
        assert cell.find_element(By.CSS_SELECTOR, ".cell_input").is_displayed()
        # a solution (sphinx-exercise + sphinx-togglebutton) is hidden until its title is clicked
        solutions = driver.find_elements(By.CSS_SELECTOR, ".solution.dropdown")
        assert solutions, f"{page}: no solution dropdown"
        for solution in solutions:
            content = solution.find_element(By.CSS_SELECTOR, "section")
            assert not content.is_displayed(), f"{page}: a solution is shown before it is opened"
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", solution)
            solution.find_element(By.CSS_SELECTOR, "button.toggle-button").click()
            WebDriverWait(driver, 3).until(lambda _: content.is_displayed(), f"{page}: a solution did not open")
            opened += 1
    assert opened >= 2

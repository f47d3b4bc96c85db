"""Fixtures for opening the built book in a real browser (headless Chromium, network off).

Collected only with ``--site-dir`` (see ``tests/conftest.py``):

    pytest tests/browser --site-dir _build/html

* ``site_server`` serves the built HTML from a local ``http.server`` on 127.0.0.1;
* ``driver`` is one headless Chromium (Debian's ``chromium`` and ``chromium-driver``) for the
  whole session, which can reach that server and nothing else: every host name resolves to
  "not found" except 127.0.0.1, and any other connection goes to a proxy that does not exist;
* ``page_url(name)`` is the address of a built page: ``page_url("book/activations")``,
  ``page_url("index")`` (a trailing ``.html`` is optional).

When a test that uses ``driver`` fails, a full-page screenshot of what the browser showed is
saved next to the site, in ``<site-dir>/../browser-failures/<test name>.png``.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("NNBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("NNBOOK_CHROMEDRIVER", "/usr/bin/chromedriver")
WIDTH, HEIGHT = 1280, 900


@pytest.fixture(scope="session")
def site_dir(request) -> Path:
    path = Path(request.config.getoption("--site-dir")).resolve()
    assert (path / "index.html").is_file(), f"no built site at {path}"
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def site_server(site_dir):
    """``http://127.0.0.1:<port>`` serving the built site, for the whole session."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="session")
def page_url(site_server):
    """``page_url("book/activations")`` -> the page's address on the local server."""

    def url(name: str) -> str:
        name = name.strip("/")
        return f"{site_server}/{name if name.endswith('.html') else name + '.html'}"

    return url


def chromium_options(width: int = WIDTH, height: int = HEIGHT):
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",               # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
        # The network is off: no name resolves but 127.0.0.1, and anything else that tries to
        # connect goes to a proxy on a closed port (loopback addresses never use the proxy).
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--proxy-server=http://127.0.0.1:9",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--no-first-run",
        "--lang=en-US",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return options


def start_chromium(width: int = WIDTH, height: int = HEIGHT):
    """A headless Chromium driven by Debian's chromedriver (no browser or driver download)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for program in (CHROMIUM, CHROMEDRIVER):
        if not shutil.which(program):
            pytest.fail(f"{program} not found: install Debian's chromium and chromium-driver (.ci/run does)")
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=chromium_options(width, height))
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


@pytest.fixture(scope="session")
def driver():
    """One headless Chromium (1280 × 900) for the whole session; network off except 127.0.0.1."""
    browser = start_chromium()
    yield browser
    browser.quit()


def screenshot(driver, path: Path, full_page: bool = True) -> Path:
    """Save a PNG of the current page (the whole page height unless ``full_page`` is False)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if full_page:
        import base64

        metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        width = driver.execute_script("return window.innerWidth")
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(size["height"], 30000), "scale": 1}})
        path.write_bytes(base64.b64decode(shot["data"]))
    else:
        driver.save_screenshot(str(path))
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    browser = item.funcargs.get("driver") if hasattr(item, "funcargs") else None
    if browser is None:
        return
    folder = Path(item.config.getoption("--site-dir")).resolve().parent / "browser-failures"
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])
    try:
        saved = screenshot(browser, folder / f"{name}.png")
    except Exception as error:  # the screenshot must not hide the failure itself
        report.sections.append(("screenshot", f"could not save a screenshot: {error}"))
    else:
        report.sections.append(("screenshot", f"saved {saved}"))

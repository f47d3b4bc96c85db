"""Minimal browser fixtures (headless Chromium, network off) for tests/browser.

The reader-experience work provides the full harness with the same fixtures; this file
exists so that tests/browser/test_explorables.py runs on its own branch:

* ``driver``: one headless Chromium (Debian's chromium + chromedriver) that can reach 127.0.0.1 only;
* ``page_url(name)``: the address of a built page on a local server, ``page_url("book/softmax")``.

Run after a build: ``pytest tests/browser --site-dir _build/html``.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def site_dir(request) -> Path:
    path = Path(request.config.getoption("--site-dir")).resolve()
    assert (path / "index.html").is_file(), f"no built site at {path}"
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def page_url(site_dir):
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def url(name: str) -> str:
        name = name.strip("/")
        return f"{base}/{name if name.endswith('.html') else name + '.html'}"

    yield url
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="session")
def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                     "--proxy-server=http://127.0.0.1:9", "--disable-background-networking", "--no-first-run"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    browser.set_page_load_timeout(30)
    browser.set_script_timeout(30)
    yield browser
    browser.quit()

"""Shared test configuration.

* Hypothesis runs derandomized (the same examples every run, so CI is reproducible) and
  without deadlines (CI machines are slow and noisy).
* ``tests/site`` and ``tests/browser`` check a *built* book; they are collected only when
  ``--site-dir`` is given (CI runs them after the build), so a plain ``pytest`` neither runs
  nor skips them.
"""

from pathlib import Path

from hypothesis import settings

settings.register_profile("nnbook", derandomize=True, deadline=None, max_examples=200)
settings.load_profile("nnbook")


def pytest_addoption(parser):
    parser.addoption("--site-dir", default=None, help="folder of the built HTML book to check (tests/site, tests/browser)")


def pytest_ignore_collect(collection_path: Path, config):
    if config.getoption("--site-dir") is None and set(collection_path.relative_to(Path(__file__).parent).parts[:1]) & {"site", "browser"}:
        return True
    return None

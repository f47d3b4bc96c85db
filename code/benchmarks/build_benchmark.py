"""Benchmark the book build, and check that a package change re-executes the chapters.

Run from the repository root, in the environment of requirements.txt::

    python code/benchmarks/build_benchmark.py

It copies the repository to a temporary folder (the working tree is never touched) and
prints

1. the clean build time (empty ``_build``),
2. the no-op rebuild time (nothing changed),
3. the rebuild time after editing one colour in ``nnbook/style.py``,

and checks that (3) re-executed the chapters and changed the images of the activations page,
i.e. that a plain ``jupyter-book build .`` never serves figures made by old package code. It
exits with status 1 if that check fails. This is a measurement tool, not a test: timings
depend on the machine.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IGNORE = shutil.ignore_patterns("_build", ".venv*", ".git", "__pycache__", ".pytest_cache", ".hypothesis",
                                "*.egg-info")


def build(repo: Path, env: dict) -> tuple[float, str]:
    jb = Path(sys.executable).with_name("jupyter-book")
    start = time.perf_counter()
    proc = subprocess.run([str(jb), "build", ".", "-W", "-n", "--keep-going"], cwd=repo, env=env,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return elapsed, proc.stdout + proc.stderr


def page_images(repo: Path, page: str = "book/activations.html") -> dict[str, str]:
    html_file = repo / "_build" / "html" / page
    html = html_file.read_text(encoding="utf-8")
    sources = dict.fromkeys(re.findall(r'<img[^>]+src="([^"]+\.png)"', html))
    return {src: hashlib.sha256((html_file.parent / src).read_bytes()).hexdigest() for src in sources}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "book"
        shutil.copytree(ROOT, repo, ignore=IGNORE)
        # The kernel and Sphinx must import the copy's nnbook, not the installed one.
        env = dict(os.environ, PYTHONPATH=str(repo / "code"))

        clean, _ = build(repo, env)
        before = page_images(repo)
        noop, noop_log = build(repo, env)

        style = repo / "code" / "nnbook" / "style.py"
        text = style.read_text()
        edited = text.replace('"relu": PALETTE["blue"]', '"relu": "#123456"')
        assert edited != text, "could not find the ReLU colour to edit in style.py"
        style.write_text(edited)
        changed, changed_log = build(repo, env)
        after = page_images(repo)

    def ran(log):  # myst-nb's own execution, or the extension's parallel pre-execution
        return "Executing" in log or "nnbook: executed" in log

    executed = "nnbook source changed" in changed_log and ran(changed_log)
    images_changed = set(before.values()) != set(after.values())
    print(f"clean build:                          {clean:6.1f} s")
    print(f"no-op rebuild:                        {noop:6.1f} s  (re-executed: {ran(noop_log)})")
    print(f"rebuild after editing a package file: {changed:6.1f} s  (re-executed: {executed})")
    print(f"activations page images changed after the colour edit: {images_changed}")
    ok = executed and images_changed and not ran(noop_log)
    print("OK" if ok else "FAILED: the rebuild did not pick up the package change (or the no-op rebuild re-executed)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Reuse finished experiment results across the chapters of one build.

The "In practice" chapter quotes numbers measured in the other chapters. Rather than run every
experiment twice, the chapters' ``run_chapter`` functions are memoized on disk when the
environment variable ``NNBOOK_RESULTS_CACHE`` names a directory (the book's build sets it;
nothing is cached otherwise). A result is keyed on the function, its arguments and a hash of
the whole package's source, so a change to any ``nnbook`` file makes every stored result
unreachable; only plain arguments (numbers, strings, tuples, None) are memoized.

Chapters execute in parallel processes. When one process is already computing a result that
another needs, the second waits for it (a ``.lock`` file marks the computation in progress)
instead of computing it again; a lock older than :data:`STALE_SECONDS` is ignored.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
import time
from pathlib import Path

ENV = "NNBOOK_RESULTS_CACHE"
STALE_SECONDS = 600
_PLAIN = (int, float, str, bool, type(None))


def package_source_hash(package_dir) -> str:
    """SHA-256 of every ``.py`` file (path and bytes) below ``package_dir``, in sorted order.

    The book's Sphinx extension keys the notebook execution cache on the same hash.
    """
    package_dir = Path(package_dir)
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(package_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def source_hash() -> str:
    """:func:`package_source_hash` of this ``nnbook`` package (computed once per process)."""
    return package_source_hash(Path(__file__).resolve().parents[1])


def _plain(value) -> bool:
    if isinstance(value, tuple):
        return all(_plain(v) for v in value)
    return isinstance(value, _PLAIN)


def _load(path: Path):
    """``(result,)`` from ``path``, or None if it is missing or unreadable."""
    try:
        with path.open("rb") as f:
            return (pickle.load(f),)
    except (FileNotFoundError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None


def memoize(func):
    """Memoize ``func`` on disk in ``$NNBOOK_RESULTS_CACHE`` (see the module docstring)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        root = os.environ.get(ENV)
        if not root or not all(_plain(a) for a in (*args, *kwargs.values())):
            return func(*args, **kwargs)
        key = f"{func.__module__}.{func.__qualname__}|{args!r}|{sorted(kwargs.items())!r}|{source_hash()}"
        path = Path(root) / (hashlib.sha256(key.encode()).hexdigest() + ".pkl")
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = path.with_suffix(".lock")
        while True:
            cached = _load(path)
            if cached is not None:
                return cached[0]
            try:
                fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                break  # ours to compute
            except FileExistsError:
                try:
                    if time.time() - lock.stat().st_mtime > STALE_SECONDS:
                        lock.unlink(missing_ok=True)
                except FileNotFoundError:
                    pass
                time.sleep(0.2)  # another process is computing it
        try:
            os.close(fd)
            result = func(*args, **kwargs)
            tmp_fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(tmp_fd, "wb") as f:
                pickle.dump(result, f)
            os.replace(tmp, path)  # atomic: a reader sees no file or the whole file
            return result
        finally:
            lock.unlink(missing_ok=True)

    return wrapper

"""Sphinx extension: key the notebook execution cache on the source of the ``nnbook`` package.

myst-nb's cache (jupyter-cache) keys a notebook on the text of its cells only, so editing a
figure function in ``code/nnbook`` would otherwise leave every chapter serving figures made
by the old code. This extension hashes the package's source files and

1. exposes the hash as the config value ``nnbook_source_hash`` registered with
   ``rebuild="env"``: when it changes, Sphinx discards its saved environment and re-reads
   every page;
2. empties the execution cache when the hash differs from the one stored beside it, so the
   re-read pages are executed afresh instead of served from the cache.

A build with no change to the package keeps both the environment and the cache.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
STAMP = "nnbook-source.sha256"


def package_source_hash(package_dir: Path) -> str:
    """SHA-256 of every ``.py`` file (path and bytes) below ``package_dir``, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(package_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _package_dir(app) -> Path:
    import nnbook

    return Path(nnbook.__file__).resolve().parent


def _cache_dir(app) -> Path:
    configured = getattr(app.config, "nb_execution_cache_path", "")
    return Path(configured) if configured else Path(app.outdir).parent / ".jupyter_cache"


def _on_config_inited(app, config):
    source_hash = package_source_hash(_package_dir(app))
    config.nnbook_source_hash = source_hash
    cache = _cache_dir(app)
    stamp = cache / STAMP
    previous = stamp.read_text().strip() if stamp.exists() else None
    if previous != source_hash:
        if cache.exists():
            LOGGER.info("nnbook source changed: emptying the notebook execution cache at %s", cache)
            shutil.rmtree(cache)
        cache.mkdir(parents=True, exist_ok=True)
        stamp.write_text(source_hash + "\n")


def setup(app):
    app.add_config_value("nnbook_source_hash", "", "env")
    app.connect("config-inited", _on_config_inited, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""The Sphinx extension that keys the execution cache on the package source."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("nnbook_cache", ROOT / "book" / "_ext" / "nnbook_cache.py")
nnbook_cache = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nnbook_cache)


def test_hash_changes_with_source_and_only_with_source(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "a.py").write_text("x = 1\n")
    (pkg / "sub" / "b.py").write_text("y = 2\n")
    first = nnbook_cache.package_source_hash(pkg)
    assert nnbook_cache.package_source_hash(pkg) == first
    (pkg / "notes.txt").write_text("not source")
    (pkg / "__pycache__").mkdir()
    (pkg / "__pycache__" / "a.cpython-311.py").write_text("junk")
    assert nnbook_cache.package_source_hash(pkg) == first
    (pkg / "sub" / "b.py").write_text("y = 3\n")
    assert nnbook_cache.package_source_hash(pkg) != first


class _App:
    def __init__(self, outdir):
        self.outdir = str(outdir)
        self.config = type("Config", (), {"nb_execution_cache_path": "", "nb_execution_mode": "cache",
                                          "nnbook_parallel_execution": False, "nnbook_reuse_kernels": True})()


def test_cache_is_emptied_only_when_the_source_changes(tmp_path, monkeypatch):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "m.py").write_text("a = 1\n")
    monkeypatch.setattr(nnbook_cache, "_package_dir", lambda app: pkg)
    app = _App(tmp_path / "_build" / "html")
    cache = tmp_path / "_build" / ".jupyter_cache"
    nnbook_cache._on_config_inited(app, app.config)
    (cache / "executed.db").write_text("cached outputs")
    nnbook_cache._on_config_inited(app, app.config)
    assert (cache / "executed.db").exists()  # unchanged source: cache kept
    assert app.config.nnbook_source_hash == nnbook_cache.package_source_hash(pkg)
    (pkg / "m.py").write_text("a = 2\n")
    nnbook_cache._on_config_inited(app, app.config)
    assert not (cache / "executed.db").exists()  # changed source: cache emptied
    assert (cache / nnbook_cache.STAMP).read_text().strip() == app.config.nnbook_source_hash


import pytest


def test_only_pages_sphinx_will_not_read_again_are_skipped(tmp_path):
    from sphinx.environment import CONFIG_CHANGED, CONFIG_OK

    page = tmp_path / "chapter.md"
    page.write_text("text")
    (tmp_path / "chapter.doctree").write_text("saved")
    read_at = page.stat().st_mtime_ns // 1_000

    class Env:
        doctreedir = str(tmp_path)
        config_status = CONFIG_OK
        all_docs = {"chapter": read_at}
        reread_always = set()

        def path2doc(self, path):
            return "chapter" if path == str(page) else None

    env = Env()
    assert nnbook_cache._read_and_unchanged(env, page)
    env.config_status = CONFIG_CHANGED  # e.g. the package's source hash: every page is read again
    assert not nnbook_cache._read_and_unchanged(env, page)
    env.config_status = CONFIG_OK
    env.all_docs = {"chapter": read_at - 1}  # edited after it was read
    assert not nnbook_cache._read_and_unchanged(env, page)
    env.all_docs = {}
    assert not nnbook_cache._read_and_unchanged(env, page)


@pytest.fixture(scope="module")
def worker():
    """This process plays a pre-execution worker; its kernel is shut down afterwards."""
    yield
    nnbook_cache._at_worker_exit()
    assert "km" not in nnbook_cache._WARM


def _notebook(*sources):
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def _text(cell):
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in cell.outputs)


def test_a_reused_kernel_starts_each_notebook_afresh(tmp_path, worker):
    first = tmp_path / "a"
    second = tmp_path / "b"
    first.mkdir()
    second.mkdir()
    setup = _notebook("import os, warnings, json\nx = 1\nwarnings.warn('once')\nos.getpid()")
    _, done, _, error = nnbook_cache._execute("a.md", setup, str(first), 60, False)
    assert error is None and "UserWarning: once" in _text(done.cells[0])
    pid = _text(done.cells[0]).splitlines()[-1]
    probe = _notebook("import os, sys, warnings\n"
                      "print('x' in dir(), 'json' in dir(), 'json' in sys.modules, os.getcwd(), os.getpid())",
                      "warnings.warn('once')", "get_ipython().execution_count")
    _, done, _, error = nnbook_cache._execute("b.md", probe, str(second), 60, False)
    assert error is None
    # nothing the first notebook defined, its modules still imported, the notebook's own
    # directory, the same kernel process
    assert _text(done.cells[0]).split() == ["False", "False", "True", str(second), pid]
    assert "UserWarning: once" in _text(done.cells[1])  # a warning shown before is shown again
    # every output but the process id as in a new kernel (the execution counter restarted too)
    fresh = nnbook_cache._execute("b.md", _notebook(*[c.source for c in probe.cells]), str(second), 60, False,
                                  reuse=False)[1]
    assert _text(fresh.cells[0]).split()[:-1] == _text(done.cells[0]).split()[:-1]
    assert _text(fresh.cells[2]) == _text(done.cells[2])
    assert [c.execution_count for c in done.cells] == [1, 2, 3]


def test_a_failing_notebook_gets_a_new_kernel_for_the_next(tmp_path, worker):
    _, _, _, error = nnbook_cache._execute("a.md", _notebook("import os\nos.getpid()", "1 / 0"),
                                           str(tmp_path), 60, False)
    assert "ZeroDivisionError" in error and "km" not in nnbook_cache._WARM
    _, done, _, error = nnbook_cache._execute("b.md", _notebook("6 * 7"), str(tmp_path), 60, False)
    assert error is None and _text(done.cells[0]) == "42"


def test_kernels_are_reached_over_ipc_without_the_tcp_warning(tmp_path, capfd, worker):
    # the pre-execution's kernel talks over Unix sockets: ipykernel's "Kernel is running over
    # TCP without encryption" warning (printed by the kernel process) never appears
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os; 6 * 7")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path, executed, seconds, error = nnbook_cache._execute("x.ipynb", notebook, str(tmp_path), 60, False)
    assert error is None
    assert executed.cells[0].outputs[0]["data"]["text/plain"] == "42"
    captured = capfd.readouterr()
    assert "without encryption" not in captured.err + captured.out
    assert nnbook_cache.kernel_config("/tmp/s").KernelManager.transport == "ipc"

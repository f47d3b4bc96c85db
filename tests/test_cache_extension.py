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
        self.config = type("Config", (), {"nb_execution_cache_path": ""})()


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


def test_kernels_are_reached_over_ipc_without_the_tcp_warning(tmp_path, capfd):
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

"""The documentation builds offline without warnings (mkdocs --strict)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.skipif(shutil.which("mkdocs") is None and not any(
    (Path(p) / "mkdocs").exists() for p in sys.path), reason="mkdocs not installed")
def test_docs_build_strict(tmp_path):
    pytest.importorskip("mkdocs")
    res = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                         cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "WARNING" not in res.stderr
    assert (tmp_path / "site" / "constraints" / "index.html").exists()
    api = (tmp_path / "site" / "api" / "index.html").read_text()  # generated from the docstrings
    import mip.budgets.aggregation as agg

    assert agg.aggregate.__doc__.splitlines()[0] in api and "lazy_exports" not in api

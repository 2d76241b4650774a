"""The package as users get it: specs shipped inside it, imports that change nothing else, one version."""

import subprocess
import sys
from importlib.metadata import version

import mip


def run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.strip()


def test_importing_mip_changes_no_other_library():
    out = run("import cf_xarray.units as u, matplotlib\n"
              "b = matplotlib.get_backend()\n"
              "import mip, mip.conventions.units, mip.report.figures, mip.constrain.plots\n"
              "print(mip.conventions.units.ureg('gC').units, 'gram_carbon' in u.units, matplotlib.get_backend() == b)")
    assert out == "gram_carbon False True"


def test_import_is_lazy():
    out = run("import sys, mip\nprint(any(m in sys.modules for m in ('xarray', 'dask', 'matplotlib', 'mip.regions.core')))")
    assert out == "False"
    assert mip.aggregate.__module__ == "mip.budgets.aggregation" and callable(mip.regions.countries)


def test_one_version():
    assert mip.__version__ == version("fluxmip")
    from mip.cli import main
    import pytest

    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0


def test_specs_ship_inside_the_package():
    from pathlib import Path

    from mip.catalog import list_catalogs
    from mip.checks.protocol import list_protocols
    from mip.constrain.spec import list_specs

    pkg = Path(mip.__file__).parent
    for found in (list_catalogs(), list_protocols(), list_specs()):
        assert found and all(pkg in p.parents for p in found.values())
    assert "oco2mip-v10" in list_catalogs() and "oco2mip-v10" in list_protocols()
    assert "southern-ocean-airborne" in list_specs()


def test_users_own_specs_on_a_search_path(tmp_path, monkeypatch):
    from mip.checks.protocol import list_protocols

    src = list_protocols()["oco2mip-v10"]
    (tmp_path / "my-mip.yaml").write_text(src.read_text())
    monkeypatch.setenv("MIP_PROTOCOL_PATH", str(tmp_path))
    assert list_protocols()["my-mip"] == tmp_path / "my-mip.yaml"


def test_list_commands(capsys):
    from mip.cli import main

    assert main(["protocols", "list"]) == 0 and "oco2mip-v10" in capsys.readouterr().out
    assert main(["constraints", "list"]) == 0 and "southern-ocean-airborne" in capsys.readouterr().out
    assert main(["families", "list"]) == 0 and "oco2mip" in capsys.readouterr().out.split()


def test_every_name_a_lazy_package_exports_is_there():
    """Each package that imports its names on first use (mip._lazy) serves every name of its ``__all__``."""
    import importlib

    for name in ("mip", "mip.budgets", "mip.catalog", "mip.constrain", "mip.io", "mip.regions", "mip.report"):
        pkg = importlib.import_module(name)
        missing = [n for n in getattr(pkg, "__all__", []) if getattr(pkg, n, None) is None]
        assert not missing, (name, missing)
    from mip.constrain import METHODS, constrain_ols

    assert METHODS["ols"] is constrain_ols

"""Readers are registered one way (mip.io.registry.Registry) and other packages add theirs through entry points."""

import sys
import textwrap
import warnings
from importlib.metadata import EntryPoint

import numpy as np
import pytest
import xarray as xr

from mip.errors import MipError
from mip.io.registry import Registry


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """An installed-package stand-in: a module on sys.path and the entry points that name it."""
    (tmp_path / "toyplugin.py").write_text(textwrap.dedent('''
        import numpy as np, xarray as xr
        from mip.products import register

        def read_toy(path, **options):
            return xr.Dataset({"land": ("x", np.full(3, float(open(path).read())))})

        @register("toy_module_family", labels=())
        def read_toy_module(path):
            return read_toy(path)
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    eps = [EntryPoint("toy", "toyplugin:read_toy", "fluxmip.families"),
           EntryPoint("toy_module_family", "toyplugin", "fluxmip.families"),
           EntryPoint("broken", "no_such_package.reader:read", "fluxmip.families")]
    monkeypatch.setattr("importlib.metadata.entry_points", lambda group=None: [e for e in eps if e.group == group])
    yield tmp_path
    sys.modules.pop("toyplugin", None)


def test_a_family_from_another_package_opens_through_open_product(plugin, monkeypatch):
    import mip.products as products

    fresh = Registry("product family", "fluxmip.families", lambda: None, default_meta={"labels": ("model", "experiment")})
    monkeypatch.setattr(products, "FAMILIES", fresh)
    (plugin / "a.txt").write_text("2.5")
    with pytest.warns(RuntimeWarning, match=r"'broken' from entry point 'no_such_package.reader:read'"):
        names = products.families()
    assert names == ["toy", "toy_module_family"]  # the broken one named and skipped, the others loaded
    np.testing.assert_array_equal(products.open_product("toy", plugin / "a.txt").land.values, [2.5, 2.5, 2.5])
    assert products.family_labels("toy") == ("model", "experiment")  # a bare function: the default labels
    assert products.family_labels("toy_module_family") == ()  # a module registers its own
    with pytest.raises(MipError, match=r"unknown product family 'nope'; known: toy, toy_module_family.*fluxmip.families"):
        products.open_product("nope", plugin / "a.txt")


def test_builtin_families_are_every_module_of_the_package():
    """No list to keep in step: each public module of mip.products registers its family."""
    import pkgutil

    import mip.products as products

    modules = {m.name for m in pkgutil.iter_modules(products.__path__) if not m.name.startswith("_")}
    assert set(products.families()) <= modules | {"cf"} and {"oco2mip", "gcb", "gcp_ch4", "cmip"} <= set(products.families())


def test_tables_and_masks_are_registries_a_catalog_names_by_kind():
    from mip.catalog.source import entry_kind
    from mip.io.regionfiles import MASK_FILES
    from mip.tables import TABLES

    assert entry_kind("table:ceos_countries") == (TABLES, "ceos_countries")
    assert entry_kind("masks:reccap2") == (MASK_FILES, "reccap2")
    assert entry_kind("oco2mip") == (None, "oco2mip")
    with pytest.raises(MipError, match="table:<name>, masks:<name>"):
        entry_kind("plugin:x")
    with pytest.raises(MipError, match="unknown table 'nope'.*fluxmip.tables"):
        TABLES.get("nope")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert isinstance(TABLES.get("gcp_ch4_workbook")(None), xr.Dataset)  # lazy "module:function", bundled file


def test_lazy_exports_never_hide_a_missing_dependency(tmp_path, monkeypatch):
    """A module that exists but imports a missing package raises that ImportError, not 'has no attribute'."""
    pkg = tmp_path / "fakepkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from mip._lazy import lazy_exports\n"
                                     "__getattr__, __dir__ = lazy_exports(__name__, {'value': ('fakepkg.good', 'VALUE')},"
                                     " submodules=True)\n")
    (pkg / "good.py").write_text("VALUE = 42\n")
    (pkg / "needs.py").write_text("import no_such_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import fakepkg

    try:
        assert fakepkg.value == 42 and "value" in dir(fakepkg)
        assert fakepkg.good.VALUE == 42  # a submodule as an attribute
        with pytest.raises(ModuleNotFoundError, match="no_such_dependency_xyz"):
            fakepkg.needs
        with pytest.raises(AttributeError, match="has no attribute 'absent'"):
            fakepkg.absent
    finally:
        for m in [m for m in sys.modules if m.startswith("fakepkg")]:
            sys.modules.pop(m)


def test_mip_error_is_a_value_error():
    from mip.errors import InputError, MismatchError

    assert issubclass(MipError, ValueError) and issubclass(InputError, MipError) and issubclass(MismatchError, MipError)


def test_a_region_set_from_another_package_is_named_on_the_command_line(tmp_path, monkeypatch):
    """A package adds a region set through an entry point; the specs, the help and the errors list it."""
    import mip.regions.parse as spec

    (tmp_path / "toyregions.py").write_text(textwrap.dedent('''
        from mip.regions import latitude_bands

        def hemispheres(rest):
            return latitude_bands((-90.0, 0.0, 90.0))
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    eps = [EntryPoint("hemispheres", "toyregions:hemispheres", "fluxmip.regions")]
    monkeypatch.setattr("importlib.metadata.entry_points", lambda group=None: [e for e in eps if e.group == group])
    fresh = Registry("region set", "fluxmip.regions", default_meta={"help": ""})
    for name in ("bands", "land-ocean"):
        fresh.register(name, spec.REGION_SETS.get(name), help=spec.REGION_SETS.meta(name)["help"])
    monkeypatch.setattr(spec, "REGION_SETS", fresh)
    monkeypatch.setattr(spec, "_ORDER", ["bands", "land-ocean"])
    rs = spec.parse_regions(["hemispheres", "bands"])
    assert rs.names[:2] == ("-90..0", "0..90") and len(rs) == 5  # the plugin's two bands, then the GCB three
    assert "hemispheres[:...]" in spec.spec_help()
    with pytest.raises(MipError, match=r"cannot read the region set 'nope'.*hemispheres"):
        spec.parse_regions(["nope"])
    sys.modules.pop("toyregions", None)


def test_every_module_of_the_cli_package_is_a_command():
    """A new command is one module in mip/cli with add_parser and run: the parser finds it."""
    import pkgutil

    import mip.cli as cli

    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    modules = [m.name for m in pkgutil.iter_modules(cli.__path__) if not m.name.startswith("_")]
    for m in modules:
        mod = __import__(f"mip.cli.{m}", fromlist=["run"])
        assert callable(mod.add_parser) and callable(mod.run), m
    assert {"budget", "check", "demo", "report", "evaluate-obs", "families"} <= set(sub.choices)

"""Files from other groups are data, never code or paths (#27): each case a small reproduction.

Script injection into the report, writes outside the output folder, planted symlinks, YAML bombs,
code-importing catalogs, labels that climb out of the data root and a poisoned weights cache: each
gives a clear one-line error or a correct result.
"""

import html.parser
import re
import os
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from mip.cli import main
from mip.errors import InputError

EVIL = "IS' onerror='alert(document.domain)"


class _Tags(html.parser.HTMLParser):
    """Every element and attribute a browser would build from a page."""

    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]


def parse(text: str) -> _Tags:
    p = _Tags()
    p.feed(text)
    return p


def run(argv, capsys):
    try:
        rc = main(argv)
    except SystemExit as e:
        rc = e.code
    err = capsys.readouterr().err.strip().splitlines()
    return rc, err


# --- 1. the report: one escaping path --------------------------------------------------------------
def test_labels_never_become_markup(tmp_path):
    from mip.report.page import Page

    page = Page(tmp_path)
    page.h2(f"section <script>alert(1)</script> {EVIL}")
    page.p(EVIL)
    import pandas as pd

    page.table(pd.DataFrame({"experiment": [EVIL], "value": [1.0]}), f"budget_{EVIL}", f"caption {EVIL}")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    page.figure(plt.figure(), f"map_{EVIL}", f"a map {EVIL} 2015 Pg C yr-1")
    out = page.write(f"title {EVIL}")
    seen = parse(out.read_text())
    assert "script" not in seen.tags
    assert not [a for a in seen.attrs if a[1].startswith("on")], "an event-handler attribute reached the page"
    srcs = [v for t, k, v in seen.attrs if k in ("src", "href") and not v.startswith("#")]
    for s in srcs:  # every link resolves to a file the page wrote, inside its folder
        from urllib.parse import unquote

        target = (tmp_path / unquote(s)).resolve()
        assert target.is_file() and tmp_path.resolve() in target.parents, s


def test_check_report_escapes_file_names(tmp_path, capsys):
    bad = tmp_path / "<img src=x onerror=alert(1)>.nc4"
    bad.write_bytes(b"not netCDF")
    out = tmp_path / "checks.html"
    rc, err = run(["check", str(bad), "--protocol", "oco2mip-v10", "--no-cf", "--format", "html",
                   "--output", str(out)], capsys)
    assert rc == 1, err
    seen = parse(out.read_text())
    assert "img" not in seen.tags and not [a for a in seen.attrs if a[1].startswith("on")]


# --- 2. output names stay inside the output folder -------------------------------------------------
@pytest.mark.parametrize("label", ["e/../../ESCAPED", "..", "../x", "/abs/path", "a\\..\\b", "x" * 300, ""])
def test_output_names_are_slugs_inside_the_folder(tmp_path, label):
    from mip.io import safe_name

    s = safe_name(label)
    assert s and len(s) <= 100 and "/" not in s and "\\" not in s and not s.startswith(".")
    assert (tmp_path / f"{s}.png").resolve().parent == tmp_path.resolve()


def test_distinct_labels_never_share_a_file():
    from mip.io import safe_name

    labels = ["a/b", "a_b", "a b", "a\\b", "a:b", "..a_b"]
    assert len({safe_name(x) for x in labels}) == len(labels)
    assert safe_name("IPSL-CM6A-LR") == "IPSL-CM6A-LR"  # a clean label is kept as it is


# --- 3. writes never follow planted symlinks; two runs never share a temporary file ---------------
def test_atomic_write_replaces_a_planted_symlink_never_its_target(tmp_path):
    from mip.io import atomic_write

    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").symlink_to(victim)
    for fixed in ("index.part.html", ".index.part.html"):  # the old fixed temporary names
        (out / fixed).symlink_to(victim)
    with atomic_write(out / "index.html") as tmp:
        tmp.write_text("report")
    assert victim.read_text() == "precious"
    assert not (out / "index.html").is_symlink() and (out / "index.html").read_text() == "report"


def test_two_writers_of_one_file_do_not_collide(tmp_path):
    from mip.io import atomic_write

    target = tmp_path / "t.csv"
    with atomic_write(target) as a, atomic_write(target) as b:
        assert a != b
        a.write_text("first")
        b.write_text("second")
    assert target.read_text() in ("first", "second")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_a_failed_write_leaves_nothing_and_names_the_file(tmp_path):
    from mip.io import atomic_write

    target = tmp_path / "checks.html"
    with pytest.raises(InputError, match="checks.html.*No space left"):
        with atomic_write(target) as tmp:
            tmp.write_text("half")
            raise OSError(28, "No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_outputs_are_readable_by_others(tmp_path):
    from mip.io import atomic_write

    with atomic_write(tmp_path / "t.csv") as tmp:
        tmp.write_text("x")
    assert (tmp_path / "t.csv").stat().st_mode & 0o044 == 0o044


# --- 4. YAML limits before anything is built ----------------------------------------------------
BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi"))


@pytest.mark.parametrize("what", ["catalog", "protocol", "constraint"])
def test_alias_bomb_is_refused_at_once(tmp_path, what, capsys):
    f = tmp_path / f"bomb-{what}.yaml"
    f.write_text(("sources:\n  s:\n    driver: mip.catalog.ProductSource\n    args: {family: oco2mip, urlpath: x}\n"
                  if what == "catalog" else "") + BOMB)
    assert len(f.read_bytes()) < 1000  # 9^9 = 387 M values once expanded
    argv = {"catalog": ["catalog", "show", str(f)], "protocol": ["check", str(f), "--protocol", str(f)],
            "constraint": ["constrain", str(f)]}[what]
    t0 = time.perf_counter()
    rc, err = run(argv, capsys)
    assert time.perf_counter() - t0 < 10
    assert rc == 2 and "Traceback" not in "\n".join(err)
    assert "aliases" in err[-1] and str(f) in err[-1], err


@pytest.mark.parametrize("content,says", [
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "binary content"),
    (b"a: \xff\xfe", "not UTF-8"),
    (b"[" * 5000 + b"]" * 5000, "nested"),
    (b"&a [*a]", "nested"),
])
def test_broken_yaml_is_one_line(tmp_path, content, says, capsys):
    f = tmp_path / "p.yaml"
    f.write_bytes(content)
    rc, err = run(["constrain", str(f)], capsys)
    assert rc == 2 and "Traceback" not in "\n".join(err) and says in err[-1], err


# --- 6. a catalog imports nothing and reads nothing outside its root ------------------------------
def _catalog(tmp_path: Path, body: str) -> Path:
    f = tmp_path / "cat.yaml"
    f.write_text(body)
    return f


ENTRY = """\
sources:
  fl:
    driver: {driver}
    args:
      family: oco2mip
      urlpath: "{urlpath}"
      models: {models}
      experiments: [IS]
"""


def test_plugins_are_refused(tmp_path, capsys):
    marker = tmp_path / "imported"
    (tmp_path / "evilplugin.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    f = _catalog(tmp_path, "plugins:\n  source:\n    - module: evilplugin\n" + ENTRY.format(
        driver="mip.catalog.ProductSource", urlpath="{{ CATALOG_DIR }}/{model}.nc", models="[A]"))
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        rc, err = run(["catalog", "show", str(f)], capsys)
    finally:
        sys.path.remove(str(tmp_path))
    assert rc == 2 and "plugins" in err[-1] and "MIP_TRUST_CATALOGS" in err[-1], err
    assert not marker.exists()


def test_foreign_drivers_are_refused(tmp_path, capsys):
    f = _catalog(tmp_path, ENTRY.format(driver="subprocess.Popen", urlpath="x", models="[A]"))
    rc, err = run(["catalog", "show", str(f)], capsys)
    assert rc == 2 and "driver" in err[-1] and "subprocess.Popen" in err[-1], err


@pytest.mark.parametrize("models,says", [
    ("['../../etc']", "the model label '../../etc'"),
    ("['A/B']", "path separators"),
    ('["A\\0B"]', "the model label 'A\\x00B'"),  # YAML's "\0" is a NUL byte: a phantom member
    ("[5, {x: 1}]", "type dict"),
])
def test_labels_that_name_other_files_are_refused(tmp_path, models, says, capsys):
    f = _catalog(tmp_path, ENTRY.format(driver="mip.catalog.ProductSource",
                                        urlpath="{{ CATALOG_DIR }}/{model}_{experiment}.nc", models=models))
    rc, err = run(["budget", str(f), "fl", "--regions", "bands", "--out", str(tmp_path / "b")], capsys)
    assert rc == 2 and "Traceback" not in "\n".join(err) and says in err[-1], err


def test_paths_outside_the_root_are_refused_unless_trusted(tmp_path, sample_root, capsys, monkeypatch):
    real = sample_root / "oco2mip-v10" / "IS" / "Ames_gridded_fluxes_IS.nc4"
    sub = tmp_path / "cat"
    sub.mkdir()
    f = _catalog(sub, ENTRY.format(driver="mip.catalog.ProductSource", urlpath=str(real).replace("Ames", "{model}"),
                                   models="[Ames]"))
    out = tmp_path / "b"
    rc, err = run(["budget", str(f), "fl", "--regions", "bands", "--out", str(out)], capsys)
    assert rc == 2 and "outside the data root" in err[-1], err
    assert not out.exists()
    monkeypatch.setenv("MIP_TRUST_CATALOGS", "1")
    rc, err = run(["budget", str(f), "fl", "--regions", "bands", "--out", str(out)], capsys)
    assert rc == 0 and (out / "budget.csv").exists(), err


@pytest.mark.parametrize("args,says", [
    ("{family: oco2mip, urlpath: '{{ CATALOG_DIR }}/{modle}.nc', models: [A]}", "{modle}"),
    ("{family: oco2mip, urlpath: x, models: 5}", "'models': found 5 (a int)"),
    ("{family: oco2mip, urlpath: x, optoins: {}}", "unknown argument(s) optoins"),
    ("{family: oco2mip, urlpath: x, regrid: [0, 0]}", "0.0 x 0.0 degrees"),
    ("{family: oco2mip, urlpath: x, regrid: [1]}", "two grid spacings"),
    ("{family: oco2mip}", "the urlpath argument"),
    ("[1, 2]", "a mapping of the ProductSource arguments"),
    ("{family: 7, urlpath: x}", "'family': found 7"),
    ("{family: oco2mip, urlpath: x, model_options: {A: 3}}", "model_options.A"),
])
def test_malformed_catalog_fields_are_one_line(tmp_path, args, says, capsys):
    f = _catalog(tmp_path, f"sources:\n  fl:\n    driver: mip.catalog.ProductSource\n    args: {args}\n")
    rc, err = run(["catalog", "show", str(f)], capsys)
    assert rc == 2 and "Traceback" not in "\n".join(err) and says in err[-1], err


@pytest.mark.parametrize("grid,says", [("0.01x0.01", "cells"), ("1e-9x1e-9", "cells"), ("nanxnan", "spacings"),
                                       ("infx1", "spacings"), ("0.7x1", "divide")])
def test_regrid_limits_before_work(sample_root, tmp_path, grid, says, capsys):
    cat = str(sample_root / "sample-oco2mip.yaml")
    t0 = time.perf_counter()
    rc, err = run(["budget", cat, "gridded_fluxes", "--regions", "bands", "--regrid", grid,
                   "--out", str(tmp_path / "b")], capsys)
    assert time.perf_counter() - t0 < 10
    assert rc == 2 and says in err[-1] and "--regrid" in err[-1], err


# --- 5. the weights cache is verified, never trusted ------------------------------------------------
def _grid():
    from mip.regions.core import grid_weights

    lat, lon = np.arange(-87.5, 90, 5.0), np.arange(-177.5, 180, 5.0)
    lb, ob, area = grid_weights(lat, lon)
    return xr.Dataset(coords={"lat": lat, "lon": lon, "lat_bounds": (("lat", "b"), lb),
                              "lon_bounds": (("lon", "b"), ob), "cell_area": (("lat", "lon"), area)})


def _fresh_countries(codes):
    from mip.regions import countries
    from mip.regions.core import _FRACTION_CACHE

    _FRACTION_CACHE.clear()
    return countries(codes)


@pytest.mark.parametrize("damage", ["planted", "truncated", "garbage"])
def test_a_bad_cache_entry_is_rebuilt(tmp_path, monkeypatch, damage):
    monkeypatch.setenv("MIP_CACHE_DIR", str(tmp_path))
    ds = _grid()
    expected = _fresh_countries(["FRA", "DEU"]).weights(ds).toarray()  # computed and cached
    (entry,) = list((tmp_path / "region-fractions").glob("*.npz"))
    if damage == "planted":  # the right shape, other numbers: France doubled
        import scipy.sparse as sp

        with np.load(entry) as f:
            parts = {k: f[k] for k in f.files}
        m = sp.csr_matrix((parts["data"], parts["indices"], parts["indptr"]), shape=tuple(parts["shape"]))
        m = sp.csr_matrix(m.multiply(np.array([[2.0], [1.0]])))
        with open(entry, "wb") as fh:
            np.savez(fh, **{**parts, "data": m.data, "indices": m.indices, "indptr": m.indptr})
    elif damage == "truncated":
        entry.write_bytes(entry.read_bytes()[:100])
    else:
        entry.write_bytes(os.urandom(500))
    with pytest.warns(UserWarning, match="cache entry .*recomputed"):
        again = _fresh_countries(["FRA", "DEU"]).weights(ds).toarray()
    np.testing.assert_array_equal(again, expected)
    # rewritten: the next read trusts it silently
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(_fresh_countries(["FRA", "DEU"]).weights(ds).toarray(), expected)


# --- silently wrong, now refused or named --------------------------------------------------------
def _cf_file(tmp_path, values, **var_attrs):
    """A small CF flux file (4° x 5°, 2 months of 2015, kg m-2 s-1 positive up unless given)."""
    lat, lon = np.arange(-88.0, 90, 4.0), np.arange(-177.5, 180, 5.0)
    data = np.broadcast_to(np.asarray(values, "f8"), (2, lat.size, lon.size)).copy()
    attrs = {"units": "kg m-2 s-1", "positive": "up", **var_attrs}
    ds = xr.Dataset({"co2flux": (("time", "lat", "lon"), data, attrs)},
                    coords={"time": ("time", [0.0, 31.0], {"units": "days since 2015-01-01", "calendar": "standard"}),
                            "lat": ("lat", lat, {"units": "degrees_north"}),
                            "lon": ("lon", lon, {"units": "degrees_east"})})
    p = tmp_path / "sub.nc"
    ds.to_netcdf(p, encoding={"co2flux": {"_FillValue": None}, "time": {"_FillValue": None}})
    return p


def _budget_of(p):
    from mip import aggregate
    from mip.products import open_product
    from mip.regions import latitude_bands

    ds = open_product("cf", p, gas="CO2", basis="C")
    return aggregate(ds, latitude_bands(), attribution="area").compute()


@pytest.mark.parametrize("fill", [-9999.0, 1e20, 9.96921e36, np.inf, -np.inf, 3.4e38])
def test_undeclared_fill_values_are_refused(tmp_path, fill):
    values = np.full((2, 45, 72), 1e-9)
    values[1, 10, 10] = fill
    p = _cf_file(tmp_path, values)
    with pytest.raises(InputError, match=r"co2flux.*1 value\(s\) of .*_FillValue"):
        _budget_of(p)


def test_declared_fill_values_are_missing_data(tmp_path):
    values = np.full((2, 45, 72), 1e-9)
    values[1, 10, 10] = np.nan
    p = _cf_file(tmp_path, values)
    b = _budget_of(p)  # NaN is missing data: accepted, reported as such by the budget
    assert np.isfinite(b["co2flux"].isel(time=0)).all()


def test_years_a_ns_axis_cannot_hold_are_refused(tmp_path):
    import netCDF4

    p = _cf_file(tmp_path, 1e-9)
    with netCDF4.Dataset(p, "a") as nc:
        nc["time"].units = "days since 1500-01-01"  # a CF file starting in 1500 was labelled 2084
    from mip.products import open_product

    with pytest.raises(InputError, match=r"'time'.*years 1500\.\.1500.*1678\.\.2261"):
        open_product("cf", p, gas="CO2", basis="C")


def test_a_grid_variable_with_unknown_units_is_named(tmp_path):
    p = _cf_file(tmp_path, 1e-9)
    with xr.open_dataset(p) as d:
        ds = d.load()
    ds["ch4flux"] = ds["co2flux"].assign_attrs(units="furlongs per fortnight")
    p2 = tmp_path / "two.nc"
    ds.to_netcdf(p2)
    from mip.errors import MemberWarning
    from mip.products import open_product

    with pytest.warns(MemberWarning, match=r"left out.*ch4flux \[furlongs per fortnight\]"):
        out = open_product("cf", p2, gas="CO2", basis="C")
    assert list(out.data_vars) == ["co2flux"] or "co2flux" in out


@pytest.mark.parametrize("cell,says", [("12O", "'12O'"), ("1,234", "'1,234'"), ("1.2.3", "'1.2.3'")])
def test_text_in_a_workbook_number_cell_is_refused(tmp_path, cell, says):
    import openpyxl

    from mip.tables.gcp_ch4_workbook import bundled_workbook, read_workbook

    wb = openpyxl.load_workbook(bundled_workbook())
    ws = wb["2008-2017 TD budget"]
    target = next(c for row in ws.iter_rows() for c in row[2:] if isinstance(c.value, (int, float)))
    target.value = cell
    p = tmp_path / "wb.xlsx"
    wb.save(p)
    with pytest.raises(InputError, match=rf"2008-2017 TD budget/.*the text {says} in a number cell"):
        read_workbook(p)


def test_the_real_workbooks_stray_text_is_named():
    from mip.errors import IncompleteWarning
    from mip.tables.gcp_ch4_workbook import _read_cached, read_workbook

    _read_cached.cache_clear()  # parsed once per process: its note is warned then
    with pytest.warns(IncompleteWarning, match="2017 BU budget/Rice cultivation/FAO/Canada: 'à'"):
        read_workbook(approach="BU")


def test_a_country_listed_twice_is_refused(sample_root, tmp_path, capsys):
    rc, err = run(["budget", str(sample_root / "sample-oco2mip.yaml"), "gridded_fluxes", "--regions",
                   "countries:FRA,FRA", "--out", str(tmp_path / "b")], capsys)
    assert rc == 2 and "countries listed more than once: FRA" in err[-1], err


@pytest.mark.parametrize("values,says", [(-1.0, r"outside \[0, 1\]"), (1.5, r"outside \[0, 1\]"), (0.7, "more than the whole")])
def test_fractional_masks_outside_0_1_are_refused(values, says):
    from mip.regions import from_mask

    lat, lon = np.arange(-88.0, 90, 4.0), np.arange(-177.5, 180, 5.0)
    f = np.zeros((2, lat.size, lon.size))
    f[0, 5, 5] = values
    f[1, 5, 5] = 0.7 if values == 0.7 else 0.0
    m = xr.DataArray(f, dims=("region", "lat", "lon"), coords={"region": ["a", "b"], "lat": lat, "lon": lon},
                     name="frac")
    with pytest.raises(InputError, match=says):
        from_mask(m)


@pytest.mark.parametrize("code", [1.5, -1.0])
def test_integer_masks_with_odd_codes_are_refused(code):
    from mip.regions import from_mask

    lat, lon = np.arange(-88.0, 90, 4.0), np.arange(-177.5, 180, 5.0)
    c = np.zeros((lat.size, lon.size))
    c[3, 3], c[4, 4] = 1, code
    with pytest.raises(InputError, match="not whole numbers >= 0"):
        from_mask(xr.DataArray(c, dims=("lat", "lon"), coords={"lat": lat, "lon": lon}, name="codes"))


def _masks(tmp_path, change):
    from conftest import real_file

    ds = xr.open_dataset(real_file("reccap2-ocean/RECCAP2_region_masks_all_v20221025.nc")).load()
    change(ds)
    p = tmp_path / "masks.nc"
    ds.to_netcdf(p)
    return p


def _move_cell(ds):
    """One Pacific cell also coded Atlantic: the same ocean counted twice."""
    j, i = map(int, np.argwhere(ds["pacific"].values > 0)[0])
    ds["atlantic"][j, i] = 1


def _wrong_basin(ds):
    """One Atlantic cell that open_ocean puts in the Pacific."""
    j, i = map(int, np.argwhere(ds["atlantic"].values > 0)[0])
    ds["open_ocean"][j, i] = 2


@pytest.mark.parametrize("change,says", [
    (_move_cell, "1 cell(s) in more than one basin mask"),
    (_wrong_basin, "1 cell(s) coded in the atlantic mask that open_ocean puts in another basin"),
    (lambda ds: ds["indian"].values.fill(0), "no cell with a region code"),
])
def test_reccap2_masks_that_move_fluxes_between_basins_are_refused(tmp_path, change, says):
    from mip.io.reccap2_masks import read_reccap2_masks

    with pytest.raises(InputError, match=re.escape(says)):
        read_reccap2_masks(_masks(tmp_path, change))


# --- workbooks: size checked before expansion, a damaged sheet named -----------------------------
def test_an_xlsx_zip_bomb_is_refused_before_expansion(tmp_path):
    """1 MB of archive declaring 300 MB of shared strings (the reproduction had 20 M strings in 1.1 MB)."""
    import zipfile

    from mip.tables.gcp_ch4_workbook import bundled_workbook, read_workbook

    p = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bundled_workbook()) as src, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/padding.xml", b"<si><t>x</t></si>" * (300 * 2**20 // 17))
    assert p.stat().st_size < 3 * 2**20
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=r"bomb.xlsx.*expands to 30\d MB"):
        read_workbook(p)
    assert time.perf_counter() - t0 < 5


def test_a_corrupted_sheet_is_one_line(tmp_path):
    """A sheet's XML cut in half: openpyxl's ParseError becomes an error naming the file and the sheet."""
    import zipfile

    from mip.tables.gcb_workbook import read_global_budget
    from conftest import real_file

    src_path = real_file("gcb-2023/Global_Carbon_Budget_2023v1.1.xlsx")
    p = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(src_path) as src, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            cut = item.filename.startswith("xl/worksheets/") and len(data) > 100_000
            dst.writestr(item, data[: int(len(data) * 0.8)] if cut else data)
    with pytest.raises(InputError, match=r"cut.xlsx: variable '.*': found a sheet that cannot be read"):
        read_global_budget(p)


# --- tracebacks that are now one line, and a damaged member left out like a missing one -------------
def test_a_damaged_member_is_left_out_and_named(tmp_path, capsys):
    """Bytes of one member's compressed blocks scrambled: that member is named and left out, the rest summed."""
    from mip.testing import write_oco2mip_sample

    cat = write_oco2mip_sample(tmp_path, models=("Ames", "CAMS"), experiments=("IS",))
    p = tmp_path / "oco2mip-v10" / "IS" / "Ames_gridded_fluxes_IS.nc4"
    b = bytearray(p.read_bytes())
    for k in range(len(b) // 3, len(b) // 3 + 2000):
        b[k] ^= 0x5A
    p.write_bytes(bytes(b))
    out = tmp_path / "b"
    from mip.errors import MemberWarning

    with pytest.warns(MemberWarning, match=r"Ames/IS: .*Ames_gridded_fluxes_IS.nc4.*data that cannot be read"):
        rc, err = run(["budget", str(cat), "gridded_fluxes", "--regions", "bands", "--out", str(out)], capsys)
    assert rc == 0, err
    import pandas as pd

    table = pd.read_csv(out / "budget.csv")
    kept = table.dropna(subset=["land (Pg C yr-1)"])
    assert set(kept.model) == {"CAMS"}
    # CAMS's numbers are those of a budget of CAMS alone
    from mip import aggregate
    from mip.catalog import open_ensemble
    from mip.regions import latitude_bands

    # the ensemble's own all-NaN scan reads every block: there the damaged member is named at once
    with pytest.warns(MemberWarning, match=r"Ames/IS: .*data that cannot be read"):
        scanned = open_ensemble(cat, "gridded_fluxes", check_all_nan=True)
    assert "Ames_gridded_fluxes_IS.nc4" in scanned.attrs["excluded_members"]
    alone = aggregate(open_ensemble(cat, "gridded_fluxes", models=["CAMS"]), latitude_bands()).compute()
    first = alone["land"].sel(model="CAMS", experiment="IS").isel(time=0)
    got = kept[kept.time == kept.time.min()].set_index("region")["land (Pg C yr-1)"]
    for r in ("south", "tropics", "north"):
        assert got[r] == pytest.approx(float(first.sel(region=r)), rel=1e-5)


def test_a_string_scale_factor_is_one_line(tmp_path, capsys):
    import netCDF4

    from mip.testing import write_oco2mip

    p = write_oco2mip(tmp_path / "Ames_gridded_fluxes_IS.nc4", land=1.0, ocean=-1.0)
    with netCDF4.Dataset(p, "a") as nc:
        nc["land"].scale_factor = "2"
    rc, err = run(["check", str(p), "--protocol", "oco2mip-v10", "--no-cf"], capsys)
    assert rc == 1 and "Traceback" not in "\n".join(err)
    from mip.products import open_product

    with pytest.raises(InputError, match="variable 'land': found scale_factor = '2' .*expected a numeric scale_factor"):
        open_product("oco2mip", p, model="Ames", experiment="IS", start="2015-01")


@pytest.mark.parametrize("address,says", [("garbage", "expected tcp://HOST:PORT"),
                                          ("tls://127.0.0.1:8786", "TLS/UCX need"),
                                          ("ucx://127.0.0.1:8786", "TLS/UCX need"),
                                          ("tcp://127.0.0.1:1", "cannot connect to the dask scheduler")])
def test_a_bad_scheduler_is_one_line(sample_root, tmp_path, address, says, capsys):
    rc, err = run(["budget", str(sample_root / "sample-oco2mip.yaml"), "gridded_fluxes", "--regions", "bands",
                   "--scheduler", address, "--out", str(tmp_path / "b")], capsys)
    assert rc == 2 and "Traceback" not in "\n".join(err) and says in err[-1], err


def test_constrain_on_a_netcdf_file_is_one_line(sample_root, capsys):
    f = sample_root / "oco2mip-v10" / "IS" / "Ames_gridded_fluxes_IS.nc4"
    rc, err = run(["constrain", str(f)], capsys)
    assert rc == 2 and "binary content" in err[-1] and str(f) in err[-1], err


def test_a_netcdf_declaring_a_million_steps_is_refused_before_reading(tmp_path):
    """17 kB declaring 1,000,000 monthly 1° fields (an unlimited time axis, one step written)."""
    import netCDF4

    p = tmp_path / "bomb.nc"
    with netCDF4.Dataset(p, "w") as nc:
        nc.createDimension("time", None)
        nc.createDimension("lat", 180)
        nc.createDimension("lon", 360)
        t = nc.createVariable("time", "f8", ("time",))
        nc.createVariable("lat", "f8", ("lat",))[:] = np.arange(-89.5, 90)
        nc.createVariable("lon", "f8", ("lon",))[:] = np.arange(-179.5, 180)
        v = nc.createVariable("co2flux", "f4", ("time", "lat", "lon"), zlib=True, chunksizes=(1, 180, 360))
        v.units = "kg m-2 s-1"
        t[999_999] = 0.0  # the time axis now declares a million steps; no data block is written
    assert p.stat().st_size < 100_000
    from mip.io import open_netcdf

    t0 = time.perf_counter()
    with pytest.raises(InputError, match=r"co2flux.*GiB of values declared in a file of"):
        open_netcdf(p)
    assert time.perf_counter() - t0 < 10


# --- fuzz: any label, from any file, through names, paths and the page ---------------------------
from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

LABELS = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["..", ".", "../x", "a/../../b", "<script>alert(1)</script>", "' onerror='x", "\x00", "CON", "a" * 300])


@settings(max_examples=300, deadline=None)
@given(LABELS)
def test_fuzz_a_catalog_label_names_a_file_inside_the_root_or_is_refused(label):
    from mip.catalog.guard import check_label

    root = Path("/data/root")
    try:
        text = check_label(label, "experiment", "fuzz.yaml")
    except InputError:
        return
    p = Path(os.path.normpath(root / "oco2mip-v10" / text / f"Ames_{text}.nc4"))
    assert root in p.parents


@settings(max_examples=300, deadline=None)
@given(LABELS, LABELS)
def test_fuzz_output_names(a, b):
    from mip.io import safe_name

    for s in (safe_name(a), safe_name(b)):
        assert re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}", s), s
    if a != b:
        assert safe_name(a) != safe_name(b)


@settings(max_examples=100, deadline=None)
@given(LABELS)
def test_fuzz_page_text_is_never_markup(tmp_path_factory, label):
    import pandas as pd

    from mip.report.page import Page

    out = tmp_path_factory.mktemp("page")
    page = Page(out)
    page.h2(label)
    page.p(label)
    page.table(pd.DataFrame({"experiment": [label], "value": [1.0]}), label, label)
    seen = parse(page.write(label).read_text())
    assert set(seen.tags) <= {"html", "head", "meta", "title", "style", "body", "h1", "nav", "a", "h2", "p", "table",
                              "caption", "tr", "th", "td", "details", "summary"}
    assert not [a for a in seen.attrs if a[1].startswith("on")]
    assert all((out / "tables").resolve() in p.resolve().parents for p in (out / "tables").iterdir())


@pytest.mark.parametrize("expr", ["{{ 'a' * 10**10 }}", "{{ ''.__class__.__mro__ }}", "{{ env('HOME') }}",
                                  "{% for i in range(10**9) %}x{% endfor %}", "{{ shell('id') }}"])
def test_template_expressions_are_refused(tmp_path, expr, capsys):
    """intake renders jinja2 templates in a catalog as it reads it: only {{ CATALOG_DIR }} passes."""
    f = _catalog(tmp_path, ENTRY.format(driver="mip.catalog.ProductSource",
                                        urlpath="{{ CATALOG_DIR }}/" + expr.replace('"', "'") + "/{model}.nc",
                                        models="[A]"))
    t0 = time.perf_counter()
    rc, err = run(["catalog", "show", str(f)], capsys)
    assert time.perf_counter() - t0 < 10
    assert rc == 2 and "template expression" in err[-1] and "sources.fl.args.urlpath" in err[-1], err


@pytest.mark.parametrize("extra,says", [
    ("options: {start: '2015-01', bogus: 1}", "unexpected keyword argument 'bogus'"),
    ("model_options: {Nobody: {start: '2015-01'}}", "options for 'Nobody', a model the entry does not list"),
])
def test_reader_options_that_would_be_ignored_or_crash_are_refused(sample_root, tmp_path, extra, says, capsys):
    f = tmp_path / "opts.yaml"
    f.write_text(f"""sources:
  fl:
    driver: mip.catalog.ProductSource
    args:
      family: oco2mip
      urlpath: "{{data_root}}/oco2mip-v10/{{experiment}}/{{model}}_gridded_fluxes_{{experiment}}.nc4"
      models: [CAMS]
      experiments: [IS]
      {extra}
""")
    rc, err = run(["budget", str(f), "fl", "--regions", "bands", "--data-root", str(sample_root),
                   "--out", str(tmp_path / "b")], capsys)
    assert rc == 2 and "Traceback" not in "\n".join(err) and says in err[-1], err


def test_a_planted_folder_link_in_the_report_is_refused(tmp_path):
    """``report/figures -> elsewhere``: the page refuses to write through it."""
    import pandas as pd

    from mip.report.page import Page

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "report"
    out.mkdir()
    (out / "tables").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(InputError, match="leads outside the report folder"):
        Page(out).table(pd.DataFrame({"a": [1.0]}), "t", "caption")
    assert list(elsewhere.iterdir()) == []


ran: list[str] = []


@settings(max_examples=6, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=24))
@example("IS' onerror='alert(1)")
@example("LNLG <i>é")
@example("INFINITY")  # found by the fuzz: pandas reads it back as a float unless told the column is text
def test_fuzz_a_label_through_catalog_budget_and_report(tmp_path_factory, label):
    """Any label a catalog accepts goes through budget and page into files inside the output folder only."""
    import pandas as pd

    from mip.catalog.guard import check_label
    from mip.report.page import Page
    from mip.testing import write_oco2mip_sample

    try:
        check_label(label, "experiment", "fuzz")
    except InputError:
        return
    root = tmp_path_factory.mktemp("fz")
    try:
        cat = write_oco2mip_sample(root, models=("CAMS",), experiments=(label,))
    except (OSError, UnicodeError):  # a name this file system cannot hold: not ours to test
        return
    import yaml

    try:
        listed = yaml.safe_load(cat.read_text())["sources"]["gridded_fluxes"]["args"]["experiments"]
    except yaml.YAMLError:
        listed = None
    if listed != [label]:
        return  # the sample's YAML template does not quote: a label YAML reads otherwise is not this test's
    out = root / "out"
    ran.append(label)
    assert main(["budget", str(cat), "gridded_fluxes", "--regions", "bands", "--out", str(out)]) == 0
    table = pd.read_csv(out / "budget.csv", keep_default_na=False, dtype={"experiment": str})
    assert set(table.experiment) == {label}
    page = Page(out / "report")
    page.h2(label)
    page.table(table.head(3), f"budget_{label}", f"budget {label}")
    html = page.write(label).read_text()
    assert not [a for a in parse(html).attrs if a[1].startswith("on")]
    written = [p for p in root.rglob("*") if p.is_file()]
    assert all(root.resolve() in p.resolve().parents for p in written)


def test_the_fuzz_reached_the_budget():
    """The examples above did reach the budget and the page (not only the refusals)."""
    assert {"IS' onerror='alert(1)", "LNLG <i>é", "INFINITY"} <= set(ran)


@pytest.mark.parametrize("tol", ["nan", "-1", "inf", "0"])
def test_a_tolerance_that_judges_nothing_is_refused(tmp_path, tol, capsys):
    rc, err = run(["stocktake", "--tolerance", tol, "--no-figures", "--out", str(tmp_path / "s")], capsys)
    assert rc == 2 and "finite and positive" in err[-1], err


@pytest.mark.parametrize("content,says", [(b"\x89HDF\r\n\x1a\n\x00\x00", "binary content"),
                                          (b"a: " + b"[" * 5000 + b"]" * 5000, "nested"),
                                          (BOMB.encode(), "aliases")])
def test_a_broken_protocol_is_one_line(sample_root, tmp_path, content, says, capsys):
    proto = tmp_path / "proto.yaml"
    proto.write_bytes(content)
    f = sample_root / "oco2mip-v10" / "IS" / "Ames_gridded_fluxes_IS.nc4"
    rc, err = run(["check", str(f), "--protocol", str(proto), "--no-cf"], capsys)
    assert rc == 2 and "Traceback" not in "\n".join(err) and says in err[-1] and "proto.yaml" in err[-1], err


def test_a_constraint_spec_named_to_escape_writes_inside_the_report(tmp_path):
    """A spec named ``../../SPEC_ESCAPE`` (and with markup): its CSVs and figures land inside ``constraints/``."""
    from importlib import resources

    import yaml

    from mip.report.build import _constraints
    from mip.report.page import Page

    src = Path(str(resources.files("mip") / "constraints" / "southern-ocean-airborne.yaml"))
    raw = yaml.safe_load(src.read_text())
    raw["name"] = "../../SPEC_ESCAPE<img src=x onerror=alert(1)>"
    spec = tmp_path / "specs" / "evil.yaml"
    spec.parent.mkdir()
    spec.write_text(yaml.safe_dump(raw))
    out = tmp_path / "deep" / "er" / "report"
    page = Page(out)
    _constraints(page, [str(spec)])
    html = page.write("t").read_text()
    assert not [a for a in parse(html).attrs if a[1].startswith("on")]
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.parent.name != "specs"]
    assert written and all(out.resolve() in p.resolve().parents for p in written)
    assert not list(tmp_path.rglob("SPEC_ESCAPE*"))  # no file or folder under the raw name anywhere

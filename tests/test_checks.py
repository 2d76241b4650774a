"""Submission checks: a corpus of broken OCO-2-MIP files, each with the finding it must produce."""

import json

import h5py
import numpy as np
import pytest
import xarray as xr

from mip.checks import check
from mip.cli import main
from mip.testing import write_oco2mip

R = 6_371_007.2
SPHERE = 4 * np.pi * R**2
LAND = -1.5e15 / SPHERE   # gC m-2 yr-1 uniform over the sphere -> -1.5 Pg C/yr
OCEAN = -2.5e15 / SPHERE


def oco2(path, *, start=None, **kw):
    """The corpus's base file: 72 months of uniform land and ocean fluxes (mip.testing writes it)."""
    return write_oco2mip(path, **{"months": 72, "land": LAND, "ocean": OCEAN, "start_dates": start, **kw})


def _shift(months, first=(2015, 1)):
    idx = first[0] * 12 + first[1] - 1 + np.arange(months)
    return np.stack([idx // 12, idx % 12 + 1, np.ones(months, int)], axis=1)


def _nan_month(p):
    a = np.full((72, 180, 360), LAND, "f4")
    a[6] = np.nan
    return oco2(p, land=a, net=a + OCEAN)


def _nan_cells(p):
    a = np.full((72, 180, 360), LAND, "f4")
    a[:, 0, :5] = np.nan
    return oco2(p, land=a, net=a + OCEAN)


def _dup(p):
    s = _shift(72)
    s[5] = s[4]
    return oco2(p, start=s)


def _order(p):
    s = _shift(72)
    s[[3, 4]] = s[[4, 3]]
    return oco2(p, start=s)


def _mid(p):
    s = _shift(72)
    s[:, 2] = 15
    return oco2(p, start=s)


def _int64_time(p):
    return oco2(p, extra={"time": ("time", np.arange(72, dtype="i8"))})


def _hdf5(p):
    with h5py.File(p, "w") as f:
        f["land"] = np.zeros((2, 3))
    return p


def _truncated(p):
    good = oco2(p.with_name("tmp_gridded_fluxes_IS.nc4"), months=72, land=np.random.default_rng(0).normal(
        LAND, 1, (72, 180, 360)))
    p.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return p


CORPUS = {
    # name: (writer, expected rule, severity, variable or None)
    "wrong_units": (lambda p: oco2(p, units="kg m-2 s-1"), "var.units", "error", "land"),
    "unknown_units": (lambda p: oco2(p, units="furlongs"), "var.units", "error", "ocean"),
    "units_spelling": (lambda p: oco2(p, units="gC/m2/yr"), "var.units_spelling", "warning", "net"),
    "missing_units": (lambda p: oco2(p, units=None), "var.attribute", "error", "land"),
    "no_start_date": (lambda p: oco2(p, drop=("start_date",)), "time.start_date", "error", "start_date"),
    "start_date_float": (lambda p: oco2(p, start_dtype="f8"), "var.dtype", "error", "start_date"),
    "descending_lat": (lambda p: oco2(p, lat=np.arange(89.5, -90, -1.0)), "coords.order", "error", "latitude"),
    "lon_0_360": (lambda p: oco2(p, lon=np.arange(0.5, 360, 1.0)), "coords.range", "error", "longitude"),
    "grid_2x2.5": (lambda p: oco2(p, lat=np.arange(-89.0, 90, 2.0), lon=np.arange(-178.75, 180, 2.5)),
                   "dims.size", "error", "latitude"),
    "grid_spacing": (lambda p: oco2(p, lat=np.arange(-89.0, 90, 2.0), lon=np.arange(-178.75, 180, 2.5)),
                     "coords.spacing", "error", "longitude"),
    "offset_grid": (lambda p: oco2(p, lat=np.arange(-90.0, 90, 1.0)), "coords.first", "error", "latitude"),
    "lon_359": (lambda p: oco2(p, lon=np.arange(-179.5, 179, 1.0)), "dims.size", "error", "longitude"),
    "71_months": (lambda p: oco2(p, months=71), "time.missing", "error", "start_date"),
    "71_months_dim": (lambda p: oco2(p, months=71), "dims.size", "error", "time"),
    "duplicate_month": (_dup, "time.duplicate", "error", "start_date"),
    "months_out_of_order": (_order, "time.order", "error", "start_date"),
    "starts_2014_12": (lambda p: oco2(p, start=_shift(72, (2014, 12))), "time.extra", "error", "start_date"),
    "mid_month_dates": (_mid, "time.day", "warning", "start_date"),
    "n_months_dim": (lambda p: oco2(p, tdim="n_months"), "dims.name", "warning", "n_months"),
    "nan_month": (_nan_month, "data.nan_month", "error", "land"),
    "nan_cells": (_nan_cells, "data.nan_cells", "warning", "land"),
    "all_zero_ocean": (lambda p: oco2(p, ocean=0.0), "data.all_zero", "error", "ocean"),
    "sign_flipped": (lambda p: oco2(p, land=-LAND, ocean=-OCEAN), "data.sign", "error", "ocean"),
    "land_out_of_range": (lambda p: oco2(p, land=LAND * 1000, net=LAND * 1000 + OCEAN), "data.total_range", "error",
                          "land"),
    "net_not_land_plus_ocean": (lambda p: oco2(p, net=LAND), "data.identity", "error", "net"),
    "missing_ocean": (lambda p: oco2(p, drop=("ocean",)), "var.missing", "error", "ocean"),
    "transposed": (lambda p: oco2(p, dims_order=("longitude", "latitude")), "var.dims", "error", "land"),
    "integer_flux": (lambda p: oco2(p, flux_dtype="i4", land=-3, ocean=-5), "var.dtype", "error", "land"),
    "no_latitude_values": (lambda p: _drop_coord(p), "coords.missing", "error", "latitude"),
    "int64_time": (_int64_time, "time.units", "warning", "time"),
    "empty_file": (lambda p: _raw(p, b""), "file.readable", "error", None),
    "text_file": (lambda p: _raw(p, b"model output, see e-mail"), "file.readable", "error", None),
    "corrupt_bytes": (lambda p: _raw(p, b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 8), "file.readable",
                      "error", None),
    "truncated": (_truncated, "file.readable", "error", None),
    "hdf5_not_netcdf": (_hdf5, "file.format", "error", None),
}


def _raw(p, data: bytes):
    p.write_bytes(data)
    return p


def _drop_coord(p):
    oco2(p)
    ds = xr.load_dataset(p).drop_vars("latitude")
    p.unlink()
    ds.to_netcdf(p)
    return p


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_broken_file_gives_its_finding(tmp_path, case):
    writer, rule, severity, variable = CORPUS[case]
    p = writer(tmp_path / "CAMS_gridded_fluxes_LNLG.nc4")
    rep = check(p, "oco2mip-v10", cf=False)
    hits = [f for f in rep.findings if (rule is None or f.rule == rule) and f.severity == severity
            and (variable is None or f.variable == variable)]
    assert hits, f"{case}: expected {rule}/{severity}/{variable}, got:\n" + rep.to_text()
    assert all(f.file == str(p) for f in rep.findings)
    if severity == "error":
        assert rep.exit_code == 1


def test_wrong_file_name(tmp_path):
    p = oco2(tmp_path / "cams_fluxes_LNLG.nc")
    rep = check(p, "oco2mip-v10", cf=False)
    f = [x for x in rep.findings if x.rule == "file.name"]
    assert f and "<Model>_gridded_fluxes_<EXP>.nc4" in f[0].expected


def test_int64_time_is_a_cf_finding(tmp_path):
    p = _int64_time(tmp_path / "CAMS_gridded_fluxes_LNLG.nc4")
    rep = check(p, "oco2mip-v10", cf=True)
    assert any(f.rule.startswith("cf.") and "int64" in f.observed for f in rep.findings)


@pytest.mark.parametrize("name", ["CAMS_gridded_fluxes_LNLG.nc4", "TM5_4DVAR_gridded_fluxes_Prior.nc4",
                                  "CMS_FLUX_gridded_fluxes_LNLGOGIS.nc4"])
def test_conforming_files_have_no_error(tmp_path, name):
    p = oco2(tmp_path / name)
    rep = check(p, "oco2mip-v10", cf=True)
    errors = [f for f in rep.findings if f.severity == "error"]
    assert not errors, rep.to_text()
    assert rep.exit_code == 0 and rep.status(str(p)).startswith("conforms")


def test_cli_formats_and_exit_codes(tmp_path, capsys):
    good = oco2(tmp_path / "d" / "CAMS_gridded_fluxes_IS.nc4") if (tmp_path / "d").mkdir() is None else None
    bad = oco2(tmp_path / "d" / "CT_gridded_fluxes_IS.nc4", ocean=0.0)
    assert main(["check", str(good), "--protocol", "oco2mip-v10", "--no-cf"]) == 0
    capsys.readouterr()
    assert main(["check", str(tmp_path / "d"), "--protocol", "oco2mip-v10", "--no-cf", "--format", "json",
                 "--output", str(tmp_path / "r.json")]) == 1
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["summary"]["files"] == 2 and doc["summary"]["conforming_files"] == 1
    assert {"rule", "severity", "file", "variable", "observed", "expected", "fix"} <= set(doc["findings"][0])
    assert main(["check", str(tmp_path / "d"), "--protocol", "oco2mip-v10", "--no-cf", "--format", "html",
                 "--output", str(tmp_path / "r.html")]) == 1
    page = (tmp_path / "r.html").read_text()
    assert "data.all_zero" in page and "<script" not in page and "http" not in page.split("<body>")[1]
    assert main(["check", str(bad), "--protocol", "oco2mip-v10", "--no-cf"]) == 1
    out = capsys.readouterr().out
    assert "does not conform" in out and str(bad) in out
    assert main(["check", str(bad), "--protocol", "no-such-protocol"]) == 2
    assert main(["check", str(tmp_path / "empty-dir-that-is-missing"), "--protocol", "oco2mip-v10"]) in (1, 2)
    (tmp_path / "nothing").mkdir()
    assert main(["check", str(tmp_path / "nothing"), "--protocol", "oco2mip-v10"]) == 2


def test_protocols_validate():
    from mip.checks import list_protocols, load_protocol
    names = list_protocols()
    assert {"oco2mip-v10", "gcb-2024", "gcp-ch4-td", "gcp-n2o"} <= set(names)
    for n in names:
        assert load_protocol(n).name == n


def _cf_file(path, *, months, first, variables, lat="latitude", lon="longitude", attrs=None, calendar=None):
    """A monthly CF-time file with constant fields (value per variable, in the given units)."""
    import pandas as pd
    t = pd.date_range(first, periods=months, freq="MS")
    la, lo = np.arange(-89.5, 90, 1.0), np.arange(-179.5, 180, 1.0)
    ds = xr.Dataset({k: (("time", lat, lon), np.full((months, 180, 360), v, "f4"), {"units": u})
                     for k, (v, u) in variables.items()},
                    coords={"time": t, lat: (lat, la, {"units": "degrees_north"}), lon: (lon, lo, {"units": "degrees_east"})},
                    attrs=attrs or {})
    enc = {k: {"zlib": True, "complevel": 1} for k in variables}
    if calendar:
        enc["time"] = {"calendar": calendar, "units": "days since 2000-01-01"}
    ds.to_netcdf(path, encoding=enc)
    return path


def test_gcb_protocol(tmp_path):
    kgc = 1e12 / (SPHERE * 365.25 * 86400)  # 1 Pg C/yr spread over the sphere, in kg C m-2 s-1
    good = _cf_file(tmp_path / "CAMS_GCB2024_inversion.nc", months=108, first="2015-01-01",
                    variables={"land_flux_only_fossil_cement_adjusted": (-1.5 * kgc, "kgC/m2/s"),
                               "ocean_flux_foss_cement_adjusted": (-2.5 * kgc, "kgC/m2/s")},
                    attrs={"institution": "somewhere", "contact": "someone@example.org"})
    rep = check(good, "gcb-2024", cf=False)
    assert rep.n_errors == 0, rep.to_text()
    bad = _cf_file(tmp_path / "CAMS_GCB2024_inversion_v2.nc", months=107, first="2015-02-01",
                   variables={"land_flux_only_fossil_cement_adjusted": (-1.5 * kgc, "kgC/m2/s"),
                              "ocean_flux_foss_cement_adjusted": (2.5 * kgc, "kgC/m2/s")})
    rules = {f.rule for f in check(bad, "gcb-2024", cf=False).findings}
    assert {"time.missing", "dims.size", "data.sign", "data.total_range", "attr.missing"} <= rules


def test_ch4_protocol_units_and_totals(tmp_path):
    per_tg = 1e9 / (SPHERE * 365.25 * 86400)  # 1 Tg CH4/yr over the sphere, kg m-2 s-1
    cats = {"flux_ch4_total": 576, "flux_ch4_wetlands": 181, "flux_ch4_agriculture_waste": 217,
            "flux_ch4_fossil": 111, "flux_ch4_biomass_biofuel_burning": 30}
    good = _cf_file(tmp_path / "TM5-CAMS_GOSAT_flux_ch4.nc", months=216, first="2000-01-01", lat="lat", lon="lon",
                    variables={k: (v * per_tg, "kg m-2 s-1") for k, v in cats.items()})
    assert check(good, "gcp-ch4-td", cf=False).n_errors == 0
    tg = _cf_file(tmp_path / "TM5-CAMS_SURF_flux_ch4.nc", months=216, first="2000-01-01", lat="lat", lon="lon",
                  variables={k: (v * per_tg * 1e3, "g m-2 s-1" if k == "flux_ch4_total" else "kg m-2 s-1")
                             for k, v in cats.items()})
    f = check(tg, "gcp-ch4-td", cf=False).findings
    assert any(x.rule == "var.units" and x.variable == "flux_ch4_total" for x in f)
    assert any(x.rule == "data.total_range" and x.variable == "flux_ch4_wetlands" for x in f)

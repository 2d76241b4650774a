import shutil
import warnings

import numpy as np
import pytest
import xarray as xr

from mip.testing import write_oco2mip
from mip import global_total, open_catalog, open_ensemble, validate
from mip.catalog import list_catalogs
from mip.cli import main
from mip.errors import MemberWarning, MipError
from mip.testing import SAMPLE_TOTALS


def test_sample_ensemble_totals(sample_root):
    with warnings.catch_warnings():
        warnings.simplefilter("error", MemberWarning)
        ds = open_ensemble(sample_root / "sample-oco2mip.yaml", "gridded_fluxes")
    validate(ds)
    assert ds.model.values.tolist() == ["Ames", "CAMS", "LoFI", "WOMBAT"]
    assert ds.experiment.values.tolist() == ["IS", "LNLG"]
    tot = global_total(ds, ["land", "ocean"]).compute()
    for (m, e), (land, ocean) in SAMPLE_TOTALS.items():
        # the sample prescribes day-weighted annual totals; float32 storage limits agreement
        assert tot.land.sel(model=m, experiment=e).item() == pytest.approx(land, rel=1e-5)
        assert tot.ocean.sel(model=m, experiment=e).item() == pytest.approx(ocean, rel=1e-5)
    assert ds.source_file.sel(model="LoFI", experiment="IS").item().endswith("LoFI_gridded_fluxes_IS.nc4")


def _copy_catalog(sample_root, tmp_path):
    root = tmp_path / "s"
    shutil.copytree(sample_root, root)
    return root


def test_missing_and_broken_members_are_reported(sample_root, tmp_path):
    root = _copy_catalog(sample_root, tmp_path)
    (root / "oco2mip-v10/IS/Ames_gridded_fluxes_IS.nc4").unlink()
    (root / "oco2mip-v10/LNLG/CAMS_gridded_fluxes_LNLG.nc4").write_bytes(b"garbage")
    with pytest.warns(MemberWarning) as rec:
        ds = open_ensemble(root / "sample-oco2mip.yaml", "gridded_fluxes")
    msg = str(rec[0].message)
    assert "Ames/IS" in msg and "no such file" in msg and "CAMS/LNLG" in msg
    assert "Ames/IS" in ds.attrs["excluded_members"] and "CAMS/LNLG" in ds.attrs["excluded_members"]
    # both models stay (their other experiment is fine); the missing pairs are NaN and listed
    assert ds.model.values.tolist() == ["Ames", "CAMS", "LoFI", "WOMBAT"]
    assert np.isnan(ds.land.sel(model="Ames", experiment="IS").isel(time=0, lat=90, lon=0).compute().item())
    assert "Ames/IS" in ds.attrs["absent_pairs"]


def test_all_nan_and_other_grid_members(sample_root, tmp_path):
    root = _copy_catalog(sample_root, tmp_path)
    p = root / "oco2mip-v10/IS/WOMBAT_gridded_fluxes_IS.nc4"
    write_oco2mip(p, land=np.float32(np.nan), ocean=np.float32(np.nan))
    q = root / "oco2mip-v10/LNLG/LoFI_gridded_fluxes_LNLG.nc4"
    write_oco2mip(q, lat=np.arange(-89, 90, 2.0), lon=np.arange(-178.75, 180, 2.5), with_start_date=False)
    with pytest.warns(MemberWarning):
        ds = open_ensemble(root / "sample-oco2mip.yaml", "gridded_fluxes")
    ex = ds.attrs["excluded_members"]
    assert "WOMBAT/IS: all values NaN" in ex
    assert "LoFI/LNLG: grid (90, 144)" in ex and "regrid" in ex


def test_all_nan_scan_is_redone_when_the_file_changes(sample_root, tmp_path):
    """The scan's results are kept per dask name within a process: a file rewritten since is scanned again."""
    import os

    root = _copy_catalog(sample_root, tmp_path)
    cat = root / "sample-oco2mip.yaml"
    p = root / "oco2mip-v10/IS/WOMBAT_gridded_fluxes_IS.nc4"
    ds = open_ensemble(cat, "gridded_fluxes")
    assert "excluded_members" not in ds.attrs
    before = os.stat(p).st_mtime_ns
    write_oco2mip(p, land=np.float32(np.nan), ocean=np.float32(np.nan), start_day=15)
    if os.stat(p).st_mtime_ns == before:
        pytest.skip(f"{p}: the file system kept the modification time of a rewritten file")
    with pytest.warns(MemberWarning, match="WOMBAT/IS: all values NaN"):
        again = open_ensemble(cat, "gridded_fluxes")
    assert "WOMBAT/IS: all values NaN" in again.attrs["excluded_members"]
    # and back: a good file again is kept
    write_oco2mip(p, land=-1.0, ocean=-2.0, start_day=15)
    assert "excluded_members" not in open_ensemble(cat, "gridded_fluxes").attrs


def test_catalog_check_all_nan_setting_is_honoured(sample_root, tmp_path):
    root = _copy_catalog(sample_root, tmp_path)
    write_oco2mip(root / "oco2mip-v10/IS/WOMBAT_gridded_fluxes_IS.nc4", land=np.float32(np.nan),
                 ocean=np.float32(np.nan))
    cat = root / "sample-oco2mip.yaml"
    text = cat.read_text()
    assert "check_all_nan" not in text
    # the entry says check_all_nan: false -> the member is kept (its totals are NaN, not dropped)
    cat.write_text(text.replace("      family: oco2mip", "      family: oco2mip\n      check_all_nan: false"))
    ds = open_ensemble(cat, "gridded_fluxes")
    assert "excluded_members" not in ds.attrs
    assert np.isnan(global_total(ds, ["land"]).land.sel(model="WOMBAT", experiment="IS").compute().item())
    # an explicit argument overrides the entry
    with pytest.warns(MemberWarning, match="WOMBAT/IS: all values NaN"):
        open_ensemble(cat, "gridded_fluxes", check_all_nan=True)


def test_members_with_other_spans_are_padded(sample_root, tmp_path):
    """A member covering July 2015 - June 2016 is kept: NaN outside its span, its months in place."""
    from mip.catalog.ensemble import combine_members
    from mip.products import open_product

    root = _copy_catalog(sample_root, tmp_path)
    write_oco2mip(root / "oco2mip-v10/IS/Ames_gridded_fluxes_IS.nc4", months=11)  # Jan - Nov 2015
    with pytest.warns(MemberWarning, match="Ames/IS: 2015-01..2015-11 \\(11 of 12 steps\\)"):
        ds = open_ensemble(root / "sample-oco2mip.yaml", "gridded_fluxes")
    assert ds.sizes["time"] == 12 and "Ames/IS" in ds.attrs["padded_members"]
    assert bool(ds.land.sel(model="Ames", experiment="IS").isel(time=11).isnull().all())
    assert bool(ds.land.sel(model="Ames", experiment="IS").isel(time=0).notnull().all())
    a = write_oco2mip(tmp_path / "x" / "A_gridded_fluxes_IS.nc4", land=np.float32(1.0), months=12, first=(2015, 1))
    idx = 2015 * 12 + 6 + np.arange(12)
    sd = np.stack([idx // 12, idx % 12 + 1, np.ones(12, int)], axis=1)
    b = write_oco2mip(tmp_path / "y" / "B_gridded_fluxes_IS.nc4", land=np.float32(2.0), start_dates=sd)
    with pytest.warns(MemberWarning, match="B/IS"):
        ens = combine_members([("A", "IS", lambda: open_product("oco2mip", a)),
                               ("B", "IS", lambda: open_product("oco2mip", b))])
    assert ens.sizes["time"] == 18 and str(ens.time.values[-1])[:7] == "2016-06"
    land = ens.land.isel(lat=0, lon=0).sel(experiment="IS").compute()
    assert int(land.sel(model="A").notnull().sum()) == 12 and int(land.sel(model="B").notnull().sum()) == 12
    from mip.budgets.stats import ensemble_stats
    n = ensemble_stats(land)["n"]
    assert list(n.values) == [1] * 6 + [2] * 6 + [1] * 6  # members counted per time step


def test_named_catalogs_and_data_root(tmp_path, monkeypatch):
    names = list_catalogs()
    for n in ("oco2mip-v10", "gcb-2024", "gcp-ch4-2020", "gcp-n2o", "reccap2"):
        assert n in names
    monkeypatch.delenv("MIP_DATA", raising=False)
    with pytest.raises(MipError, match="set MIP_DATA"):
        open_ensemble("oco2mip-v10", "gridded_fluxes")
    # with a data root holding one published file, the other 83 members are reported missing
    write_oco2mip(tmp_path / "oco2mip-v10/LNLG/CAMS_gridded_fluxes_LNLG.nc4", months=72)
    with pytest.warns(MemberWarning, match="83 member"):
        ds = open_ensemble("oco2mip-v10", "gridded_fluxes", data_root=tmp_path)
    assert ds.model.values.tolist() == ["CAMS"] and ds.sizes["time"] == 72
    monkeypatch.setenv("MIP_DATA", str(tmp_path))
    with pytest.warns(MemberWarning):
        assert open_ensemble("oco2mip-v10", "gridded_fluxes", models=["CAMS"]).sizes["experiment"] == 1


def test_bundled_workbook_through_catalog():
    td = open_ensemble("gcp-ch4-2020", "topdown_budget")
    bu = open_ensemble("gcp-ch4-2020", "bottomup_budget")
    assert td.attrs["approach"] == "TD" and bu.attrs["approach"] == "BU"
    assert list(open_catalog("gcp-ch4-2020")) == ["topdown_budget", "bottomup_budget", "gridded_topdown"]


def test_unknown_catalog_and_entry():
    with pytest.raises(MipError, match="unknown catalog 'nope'"):
        open_catalog("nope")
    with pytest.raises(MipError, match="no entry 'nope'"):
        open_ensemble("gcb-2024", "nope")


def test_cli_catalog(capsys):
    assert main(["catalog", "list"]) == 0
    out = capsys.readouterr().out
    assert "oco2mip-v10" in out and "gcp-n2o" in out
    assert main(["catalog", "show", "oco2mip-v10"]) == 0
    out = capsys.readouterr().out
    assert "TM5_4DVAR" in out and "LNLGOGIS" in out and "LoFI" in out
    assert main(["catalog", "show", "nope"]) == 2
    assert "unknown catalog" in capsys.readouterr().err


def test_cli_demo(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "experiment LNLG" in out and "WOMBAT" in out and "2008-2017: 22 runs" in out
    assert "OCO-2 v10 MIP (REAL" in out and "Growth rate in atmospheric CO2 5.2" in out and "2019 2.54" in out
    table = (tmp_path / "global_totals.csv").read_text().splitlines()
    assert table[0] == "model,experiment,land,ocean"
    row = dict(zip(table[0].split(","), next(r for r in table if r.startswith("LoFI,IS")).split(",")))
    assert float(row["land"]) == pytest.approx(SAMPLE_TOTALS[("LoFI", "IS")][0], abs=5e-4)
    assert not list(tmp_path.glob("*.part*"))


def test_sample_is_labelled_synthetic(sample_root):
    ds = xr.open_dataset(sample_root / "oco2mip-v10/IS/Ames_gridded_fluxes_IS.nc4")
    assert ds.attrs["synthetic"] == "true" and "SYNTHETIC" in ds.attrs["comment"]


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    from mip.io import atomic_write
    target = tmp_path / "table.csv"
    with pytest.raises(RuntimeError):
        with atomic_write(target) as tmp:
            tmp.write_text("half a table")
            raise RuntimeError("writer failed")
    assert not target.exists() and not list(tmp_path.iterdir())
    with atomic_write(target) as tmp:
        tmp.write_text("a,b\n")
    assert target.read_text() == "a,b\n" and [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_members_take_the_catalogs_labels(tmp_path):
    """Readers that label every file alike ("default") no longer collapse two members into one."""
    from mip.testing import write_oco2mip

    from mip.catalog.ensemble import combine_members
    from mip.errors import MipError
    from mip.products import open_product

    a = write_oco2mip(tmp_path / "a" / "X_gridded_fluxes_IS.nc4", land=np.float32(1.0), months=2)
    b = write_oco2mip(tmp_path / "b" / "X_gridded_fluxes_IS.nc4", land=np.float32(2.0), months=2)
    same = lambda p: (lambda: open_product("oco2mip", p, model="X", experiment="default"))  # noqa: E731
    ds = combine_members([("X", "IS", same(a), str(a)), ("X", "LNLG", same(b), str(b))])
    assert list(ds.experiment.values) == ["IS", "LNLG"]
    first = ds.land.sel(model="X").isel(time=0, lat=0, lon=0)
    assert float(first.sel(experiment="LNLG")) == pytest.approx(2 * float(first.sel(experiment="IS")))
    with pytest.raises(MipError, match=f"two members are labelled X/IS: {a} and {b}"):
        combine_members([("X", "IS", same(a), str(a)), ("X", "IS", same(b), str(b))])


def test_family_labels_are_declared():
    from mip.products import family_labels

    assert family_labels("oco2mip") == ("model", "experiment") and family_labels("gcb") == ()


def test_reccap2_catalog_entry_reads_masks_not_fluxes(tmp_path):
    """The shipped reccap2 catalog names its file as `masks:reccap2`: the entry gives the region masks."""
    import shutil

    from mip.io.reccap2_masks import bundled_masks
    from mip.products import families
    (tmp_path / "reccap2").mkdir()
    shutil.copy(bundled_masks(), tmp_path / "reccap2" / bundled_masks().name)
    masks = open_ensemble("reccap2", "region_masks", data_root=tmp_path)
    # the published file's basin masks, names from its region_name attributes (arctic: the numbered fallback)
    assert masks.southern.attrs["region_names"] == ["SO STSS", "SO SPSS", "SO ICE"]
    assert masks.arctic.attrs["region_names"][-1] == "Arctic 10"
    assert "reccap2" not in families()


def test_a_catalog_given_by_path_is_opened_without_listing_the_named_ones(monkeypatch):
    import mip.catalog.source as source
    from mip.catalog.source import catalog_dirs

    path = next(d / "gcp-ch4-2020.yaml" for d in catalog_dirs() if (d / "gcp-ch4-2020.yaml").exists())

    def listing():
        raise AssertionError("every catalog of the search path read for a path")

    monkeypatch.setattr(source, "list_catalogs", listing)
    assert "topdown_budget" in list(open_catalog(str(path)))
    with pytest.raises(AssertionError, match="search path"):
        open_catalog("gcp-ch4-2020")  # a bare name is looked up in the listing

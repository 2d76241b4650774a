import numpy as np
import pandas as pd
import pytest

from mip.cli import main
from mip.errors import MipError
from mip.regions import parse_regions


def test_parse_regions():
    rs = parse_regions(["bands", "bands:-90,0,90"])
    assert rs.names == ("south", "tropics", "north", "-90..0", "0..90")
    with pytest.raises(MipError, match="cannot read the region set"):
        parse_regions(["nonsense"])


def test_budget_cli_local_vs_distributed(sample_root, tmp_path):
    cat = str(sample_root / "sample-oco2mip.yaml")
    args = ["budget", cat, "gridded_fluxes", "--regions", "bands", "--period", "annual", "--quiet"]
    assert main(args + ["--out", str(tmp_path / "local")]) == 0
    local = pd.read_csv(tmp_path / "local" / "budget.csv")
    assert set(local.region) == {"south", "tropics", "north", "unattributed"}
    assert (local[local.region == "unattributed"]["land (Pg C yr-1)"] == 0).all()  # the bands cover the globe
    assert {"land (Pg C yr-1)", "ocean (Pg C yr-1)"} <= set(local.columns)
    # band totals add up to the prescribed global totals of the sample
    from mip.testing import SAMPLE_TOTALS
    g = local.groupby(["model", "experiment"])["land (Pg C yr-1)"].sum()
    assert g[("LoFI", "LNLG")] == pytest.approx(SAMPLE_TOTALS[("LoFI", "LNLG")][0], rel=1e-5)
    stats = pd.read_csv(tmp_path / "local" / "budget_stats.csv")
    row = stats[(stats.variable == "land") & (stats.experiment == "IS") & (stats.region == "north")].iloc[0]
    vals = local[(local.experiment == "IS") & (local.region == "north")]["land (Pg C yr-1)"]
    assert row["median"] == pytest.approx(vals.median(), rel=1e-5) and row["n"] == 4
    assert (tmp_path / "local" / "budget.nc").exists() and not list(tmp_path.rglob("*.part*"))

    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        assert main(args + ["--out", str(tmp_path / "dist"), "--scheduler", cluster.scheduler_address]) == 0
    dist = pd.read_csv(tmp_path / "dist" / "budget.csv")
    pd.testing.assert_frame_equal(local, dist)


def test_budget_cli_errors(sample_root, tmp_path, capsys):
    cat = str(sample_root / "sample-oco2mip.yaml")
    assert main(["budget", cat, "gridded_fluxes", "--regions", "bogus", "--out", str(tmp_path / "x")]) == 2
    assert "cannot read the region set" in capsys.readouterr().err
    assert main(["budget", cat, "gridded_fluxes", "--regions", "bands", "--period", "2015-01-01:2016-01-01",
                 "--out", str(tmp_path / "x")]) == 2
    assert not (tmp_path / "x" / "budget.csv").exists()


def test_open_ensemble_regrids_on_request(sample_root, tmp_path):
    import shutil
    import warnings

    from mip.testing import write_oco2mip
    from mip import open_ensemble
    from mip.budgets.totals import global_total
    from mip.errors import MemberWarning

    root = tmp_path / "s"
    shutil.copytree(sample_root, root)
    q = root / "oco2mip-v10/LNLG/LoFI_gridded_fluxes_LNLG.nc4"
    write_oco2mip(q, land=np.float32(1.0), lat=np.arange(-89, 90, 2.0), lon=np.arange(-178.75, 180, 2.5),
                 with_start_date=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MemberWarning)
        ds = open_ensemble(root / "sample-oco2mip.yaml", "gridded_fluxes", regrid=(1.0, 1.0))
    tot = global_total(ds.sel(model=["LoFI"], experiment=["LNLG"])).land.compute().item()
    assert tot == pytest.approx(4 * np.pi * 6_371_007.2**2 * 1e-15, rel=1e-9)


def test_budget_cli_names_all_nan_member(sample_root, tmp_path):
    import shutil
    import warnings

    from mip.testing import write_oco2mip
    from mip.errors import MemberWarning

    root = tmp_path / "s"
    shutil.copytree(sample_root, root)
    write_oco2mip(root / "oco2mip-v10/IS/WOMBAT_gridded_fluxes_IS.nc4", land=np.float32(np.nan),
                 ocean=np.float32(np.nan))
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always", MemberWarning)
        assert main(["budget", str(root / "sample-oco2mip.yaml"), "gridded_fluxes", "--regions", "bands",
                     "--period", "annual", "--quiet", "--out", str(tmp_path / "b")]) == 0
    assert any("WOMBAT/IS: all values NaN" in str(w.message) for w in rec)
    stats = pd.read_csv(tmp_path / "b" / "budget_stats.csv")
    row = stats[(stats.variable == "land") & (stats.experiment == "IS") & (stats.region == "north")].iloc[0]
    assert row["n"] == 3 and row["n_missing"] == 1


def test_budget_cli_countries_out_of_the_box(sample_root, tmp_path):
    """--regions countries: the bundled Natural Earth countries, offline; countries + unattributed = global."""
    from mip import global_total, open_ensemble

    cat = str(sample_root / "sample-oco2mip.yaml")
    assert main(["budget", cat, "gridded_fluxes", "--regions", "countries", "--period", "annual", "--quiet",
                 "--out", str(tmp_path / "c")]) == 0
    df = pd.read_csv(tmp_path / "c" / "budget.csv")
    assert {"FRA", "NOR", "JPN", "unattributed"} <= set(df.region) and df.region.nunique() == 241
    summed = df.groupby(["model", "experiment"])["land (Pg C yr-1)"].sum()
    glob = global_total(open_ensemble(cat, "gridded_fluxes"), ["land"]).land.to_series()
    for (m, e), v in summed.items():
        assert v == pytest.approx(glob[(m, e)], rel=1e-6)  # the CSV's 6 significant digits


def test_out_as_a_file_name_is_refused(sample_root, tmp_path, capsys):
    cat = str(sample_root / "sample-oco2mip.yaml")
    assert main(["budget", cat, "gridded_fluxes", "--regions", "bands", "--period", "annual", "--quiet",
                 "--out", str(tmp_path / "old.csv")]) == 2
    assert "--out is a directory in every command" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())  # nothing written


def test_report_takes_the_budget_options(sample_root, tmp_path):
    """--period, --regrid, --no-cf, --quiet on report; the window's land total recomputed from the raw file by hand."""
    import numpy as np
    import xarray as xr

    cat = str(sample_root / "sample-oco2mip.yaml")
    out = tmp_path / "r"
    assert main(["report", cat, "gridded_fluxes", "--regions", "land-ocean", "--period", "2015-01:2015-06",
                 "--regrid", "2x2.5", "--no-cf", "--quiet", "--out", str(out)]) == 0
    members = pd.read_csv(out / "tables" / "budgets_members.csv")
    assert set(members.period) == {"2015-01 to 2015-06"}
    ames = members[(members.model == "Ames") & (members.experiment == "IS")].set_index("region")["land (Pg C yr-1)"]
    raw = xr.open_dataset(sample_root / "oco2mip-v10" / "IS" / "Ames_gridded_fluxes_IS.nc4")
    R = 6_371_007.2
    lat = np.deg2rad(np.arange(-90, 91, 1.0))
    area = (R**2 * np.deg2rad(1.0) * np.diff(np.sin(lat)))[:, None] * np.ones((1, 360))
    monthly = (raw["land"].values[:6] * area).sum((1, 2)) / 1e15  # gC/m2/yr × m2 → Pg C/yr
    days = np.array([31, 28, 31, 30, 31, 30], float)
    # land + ocean + unattributed; the report writes its tables to 6 significant digits
    assert ames.sum() == pytest.approx(np.average(monthly, weights=days), rel=1e-5)
    assert (out / "index.html").exists()


def test_progress_for_every_step_on_a_terminal(sample_root, tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["budget", str(sample_root / "sample-oco2mip.yaml"), "gridded_fluxes", "--regions", "bands",
                 "--period", "annual", "--out", str(tmp_path / "b")]) == 0
    err = capsys.readouterr().err
    assert "opening 8 members" in err  # 4 models x 2 experiments
    assert "region weights: 3 regions on the 180x360 grid" in err and "done in" in err
    assert main(["budget", str(sample_root / "sample-oco2mip.yaml"), "gridded_fluxes", "--regions", "bands",
                 "--quiet", "--out", str(tmp_path / "q")]) == 0
    assert "opening" not in capsys.readouterr().err  # --quiet: nothing

"""The latitudinal airborne constraint of the OCO-2 v10 MIP (Stephens et al. 2026), recomputed independently.

The reference computation below reads the real text files with numpy alone and fits with lstsq;
the Monte Carlo SD is compared with its closed form (a mixture of five normals).
"""

import numpy as np
import pandas as pd
import pytest
from conftest import real_file, run_script

from mip.constrain.multi import run_multi
from mip.constrain.spec import list_specs, load_spec

ROOT = "stephens2026-v10mip"
RANGES = {"c_SET": (-90, -30), "c_T": (-10, 0), "c_NET": (20, 90)}
TARGETS = {"SET": ["c_SET", "c_T"], "T": ["c_T", "c_SET", "c_NET"], "NET": ["c_NET", "c_T"]}
BANDS = {"SET": (-90, -25), "T": (-15, 15), "NET": (25, 90)}
DIFFS = ["CO2_AO2_m_CO2_NOAA", "CO2_QCLS_m_CO2_NOAA", "CO2_MED_m_CO2_NOAA", "CO2_PFP_m_CO2_NOAA"]


def table(path):
    with open(path) as fh:
        names = fh.readline().split()
    return names, np.loadtxt(path, skiprows=1)


@pytest.fixture(scope="module")
def reference():
    names, a = table(real_file(f"{ROOT}/V10MIP/Annual_mean_2D_fields_as_columns.txt"))
    lat = a[:, 0]
    onames, o = table(real_file(f"{ROOT}/OBS/BINFIT/Annual_mean_2D_fields_as_columns.txt"))
    members = names[2:]

    def metric(col, lo, hi):
        sel = (lat >= lo) & (lat <= hi)
        w = np.cos(np.deg2rad(lat[sel]))
        return (col[sel] * w).sum() / w.sum()

    X = pd.DataFrame({k: [metric(a[:, 2 + i], *r) for i in range(len(members))] for k, r in RANGES.items()},
                     index=members)
    prim = o[:, onames.index("CO2_OP")]  # same rows as the model table: joined by position
    obs = [{k: metric(prim, *r) for k, r in RANGES.items()}]
    obs += [{k: obs[0][k] + metric(o[:, onames.index(d)], *r) for k, r in RANGES.items()} for d in DIFFS]
    fl = pd.read_csv(real_file(f"{ROOT}/V10MIP/oco2_v10mip_total_fluxes_bylat_201606-201805.txt"), sep=r"\s+")
    fl.index = fl["mod"] + "_" + fl["exp"]
    centres = np.array([float(c) for c in fl.columns[2:]])
    Y = pd.DataFrame({t: fl.loc[members, [c for c, v in zip(fl.columns[2:], centres) if lo <= v <= hi]].sum(axis=1)
                      for t, (lo, hi) in BANDS.items()})
    out = {}
    for t, preds in TARGETS.items():
        A = np.column_stack([np.ones(len(members)), X[preds].to_numpy()])
        b, *_ = np.linalg.lstsq(A, Y[t].to_numpy(), rcond=None)
        resid = Y[t].to_numpy() - A @ b
        n, p = A.shape
        cov = resid @ resid / (n - p) * np.linalg.inv(A.T @ A)
        xs = [np.array([1.0] + [ob[q] for q in preds]) for ob in obs]
        mus = np.array([x @ b for x in xs])
        var = np.mean([x @ cov @ x for x in xs]) + np.var(resid) + np.var(mus)
        noog = [m for m in members if m.rsplit("_", 1)[1] not in ("OG", "LNLGOGIS")]
        out[t] = {"b": b, "mean": mus[0], "sd": np.sqrt(var), "prior_mean": Y[t].mean(), "prior_sd": Y[t].std(ddof=1),
                  "prior_sd_noOG": Y.loc[noog, t].std(ddof=1), "prior_mean_noOG": Y.loc[noog, t].mean(),
                  "r2": 1 - resid @ resid / ((Y[t] - Y[t].mean()) ** 2).sum()}
    return out


@pytest.fixture(scope="module")
def outcome():
    return run_multi(load_spec(list_specs()["latitudinal-airborne"]))


def test_members_and_inputs(outcome):
    assert len(outcome.x) == 50 and outcome.x.index[0] == "AMES_IS"
    assert sorted({m.rsplit("_", 1)[1] for m in outcome.x.index}) == ["IS", "LNLG", "LNLGIS", "LNLGOGIS", "OG"]
    assert list(outcome.x_obs.index[1:]) == [f"CO2_OP + {d}" for d in DIFFS]


@pytest.mark.parametrize("target", list(TARGETS))
def test_against_the_independent_computation(outcome, reference, target):
    ref = reference[target]
    res = outcome.results.set_index("region").loc[target]
    coef = outcome.coefficients().query("target == @target")["estimate"].to_numpy()
    np.testing.assert_allclose(coef, ref["b"], rtol=1e-10)
    assert res["mean"] == pytest.approx(ref["mean"], rel=1e-10)
    assert res["sd"] == pytest.approx(ref["sd"], rel=0.015)  # Monte Carlo (100 000 draws) against the closed form
    assert res["prior_mean"] == pytest.approx(ref["prior_mean"], rel=1e-12)
    assert res["prior_sd"] == pytest.approx(ref["prior_sd"], rel=1e-12)
    assert res["prior_sd_noOG"] == pytest.approx(ref["prior_sd_noOG"], rel=1e-12)
    assert res["reduction_pct"] == pytest.approx(100 * (1 - ref["sd"] / ref["prior_sd"]), abs=1.0)
    assert res["r2"] == pytest.approx(ref["r2"], rel=1e-10)


def test_units_do_not_matter(outcome):
    """y in other units scales every result; x in other units changes none."""
    spec = outcome.spec
    base = outcome.results.set_index("region")
    from mip.constrain import multi

    x10 = multi.MultiOutcome(spec, outcome.x * 3.7, outcome.y * 10, outcome.x_obs * 3.7)
    for t, preds in spec.targets.items():
        f = multi.fit_target(x10.x[preds], x10.y[t])
        xo = [x10.x_obs.loc[k, preds] for k in x10.x_obs.index]
        s = multi.monte_carlo(f, xo, draws=spec.monte_carlo.draws, seed=spec.monte_carlo.seed)
        assert float(np.std(s)) == pytest.approx(10 * base.loc[t, "sd"], rel=1e-9)
        assert float(f["params"]["const"] + xo[0] @ f["params"][preds]) == pytest.approx(10 * base.loc[t, "mean"],
                                                                                        rel=1e-9)


def test_cli_and_script(tmp_path, capsys):
    from mip.cli import main

    assert main(["constrain", "latitudinal-airborne", "--out", str(tmp_path / "cli"), "--no-figures"]) == 0
    assert "reduction" in capsys.readouterr().out
    r = pd.read_csv(tmp_path / "cli" / "results.csv")
    assert list(r.columns[:6]) == ["region", "mean", "sd", "prior_mean", "prior_sd", "reduction_pct"]
    assert list(r.region) == ["SET", "T", "NET"]
    assert {"sd", "prior_mean", "prior_sd", "reduction_pct", "prior_sd_noOG", "reduction_pct_noOG"} <= set(r.columns)
    run_script("latitudinal_airborne.py", "--out", str(tmp_path / "script"))
    assert (tmp_path / "script" / "scatter.png").stat().st_size > 10_000
    assert (tmp_path / "script" / "coefficients.csv").exists()


def test_field_metric_weights_by_coslat_over_the_bins_with_values():
    import xarray as xr

    from mip.constrain.multi import field_metric
    from mip.constrain.spec import FieldMetricSpec
    from mip.errors import MipError

    nan = np.nan
    values = [[[1, 3], [10, nan], [5, 7]],  # member a: lat -60, 0, 60 × pressure 300, 700
              [[nan, nan], [nan, nan], [2, 4]]]  # member b: nothing south of 60 N
    f = xr.DataArray(values, dims=("member", "lat", "pressure"),
                     coords={"member": ["A_IS", "B_IS"], "model": ("member", ["A", "B"]), "lat": [-60.0, 0.0, 60.0],
                             "pressure": [300.0, 700.0]})
    south = field_metric(f, FieldMetricSpec(lat=(-60, 0)))  # cos 60° = 1/2, cos 0° = 1; the NaN bin left out
    assert south.sel(member="A_IS").item() == pytest.approx((0.5 * (1 + 3) + 10) / (0.5 * 2 + 1))  # = 6
    assert np.isnan(south.sel(member="B_IS").item())  # no bin with a value: NaN, never 0
    assert list(south["model"].values) == ["A", "B"] and south.dims == ("member",)
    upper = field_metric(f.transpose("pressure", "member", "lat"), FieldMetricSpec(lat=(-90, 90), pressure=(250, 350),
                                                                                  weight="none"))
    assert upper.sel(member="A_IS").item() == pytest.approx((1 + 10 + 5) / 3)
    assert upper.sel(member="B_IS").item() == pytest.approx(2.0)
    with pytest.raises(MipError, match="no bin"):
        field_metric(f, FieldMetricSpec(lat=(10, 20)))

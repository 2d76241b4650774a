"""The Southern Ocean airborne constraint on the vendored real data (Long et al. 2021)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from conftest import run_script
from mip.cli import main
from mip.constrain.runner import airborne_inputs, run_spec
from mip.constrain.spec import load_spec
from mip.errors import InputError

ROOT = Path(__file__).parents[1]
SPEC = ROOT / "constraints" / "southern-ocean-airborne.yaml"


@pytest.fixture(scope="module")
def outcome():
    return run_spec(load_spec(SPEC))


def test_slopes_near_published(outcome):
    # Long et al. (2021), all 13 inversions: DJF 0.96 +- 0.10, MAMJJASON 2.48 +- 0.14;
    # the vendored set has profiles for 9 of them, so agreement within one published SE is expected
    assert abs(outcome.results["odr"]["ORCAS-J"].slope - 0.96) < 0.10
    assert abs(outcome.results["odr"]["ATom-1"].slope - 2.48) < 0.14


def test_inputs_follow_the_data_readme(outcome):
    x, y, obs = outcome.x, outcome.y, outcome.obs
    assert x.shape == (10, 9) and list(x.index[:2]) == ["HIPPO-1", "HIPPO-2"]
    # CT2017 ends in December 2016: no flux for the 2017-2018 campaigns
    assert y.loc[["ATom-2", "ATom-3", "ATom-4"], "CT2017"].isna().all()
    assert y.loc["ATom-1", "CT2017"] == y.loc["ATom-1", "CT2017"]  # 2016-08: covered
    # correction = median land+fossil gradient of the 8 models with those tracers (MIROC not among them)
    assert (obs["value"] - (obs["raw"] - obs["correction"])).abs().max() < 1e-12
    assert np.allclose(obs["sd"], np.sqrt(obs["raw_sd"] ** 2 + obs["correction_sd"] ** 2))


def test_pooled_ols_matches_statsmodels(outcome):
    cases = ["HIPPO-1", "ORCAS-J", "ORCAS-F", "ATom-2"]
    xs = np.concatenate([outcome.x.loc[c].to_numpy() for c in cases])
    ys = np.concatenate([outcome.y.loc[c].to_numpy() for c in cases])
    ok = np.isfinite(xs) & np.isfinite(ys)
    res = sm.OLS(ys[ok], sm.add_constant(xs[ok])).fit()
    r = outcome.results["ols"]["ORCAS-J"]
    assert r.slope == pytest.approx(res.params[1]) and r.n == ok.sum() == 35


def test_analysis_script(tmp_path):
    run_script("southern_ocean_airborne.py", "--out", str(tmp_path))
    t = pd.read_csv(tmp_path / "campaign_fluxes.csv")
    assert list(t.columns) == ["campaign", "flux", "flux_unc", "n_models", "slope", "intercept"]
    assert len(t) == 10 and (t.n_models >= 7).all()
    am = pd.read_csv(tmp_path / "annual_mean.csv").set_index("method")
    # published annual mean south of 45S: -0.53 +- 0.23 Pg C/yr
    paper = am.loc["odr (unscaled cov, paper)"]
    assert abs(paper.annual_mean - (-0.53)) < 0.15 and abs(paper.annual_mean_se - 0.23) < 0.05
    m = pd.read_csv(tmp_path / "methods.csv")
    assert {"ols flux", "bootstrap flux", "odr (scaled cov) flux"} <= set(m.columns)
    for f in ("scatter.png", "cases.png", "pdf_HIPPO-1.png", "results.csv", "inputs.csv"):
        assert (tmp_path / f).stat().st_size > 0


def test_spec_validation(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ndata: {kind: airborne}\nmethod: magic\nsurprise: 1\n")
    with pytest.raises(InputError) as e:
        load_spec(bad)
    msg = str(e.value)
    assert "bad.yaml" in msg and "method" in msg and "surprise" in msg


def test_table_spec_cli(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=12)
    y = 2 * x + 1 + rng.normal(scale=0.4, size=12)
    pd.DataFrame({"member": [f"m{i}" for i in range(12)], "gradient": x, "flux": y}).to_csv(tmp_path / "e.csv", index=False)
    (tmp_path / "t.yaml").write_text(
        "name: table-test\ndata: {kind: table, path: e.csv}\npredictor: {metric: column, column: gradient}\n"
        "predictand: {column: flux}\nobservations: {value: 0.5, sd: 0.0}\nmethod: ols\ncompare: [bootstrap]\n")
    assert main(["constrain", str(tmp_path / "t.yaml"), "--out", str(tmp_path / "o"), "--no-figures"]) == 0
    r = pd.read_csv(tmp_path / "o" / "results.csv").set_index("method")
    pred = sm.OLS(y, sm.add_constant(x)).fit().get_prediction(np.array([[1.0, 0.5]]))
    assert r.loc["ols", "mean"] == pytest.approx(float(pred.predicted_mean[0]), rel=1e-6)
    assert r.loc["ols", "sd"] == pytest.approx(float(pred.se_obs[0]), rel=1e-5)
    assert "table-test (ols)" in capsys.readouterr().out


def test_missing_model_named(tmp_path):
    spec = load_spec(SPEC)
    spec.data.models = ["CT2019B", "NoSuchModel"]
    with pytest.raises(Exception, match="NoSuchModel"):
        airborne_inputs(spec)

"""The growth-rate closure as a protocol rule, and the real v10 MIP closure table from the bundled data."""

import numpy as np
import pytest
from conftest import real_file
from test_checks import LAND, OCEAN, oco2

from mip.checks import check
from mip.checks.protocol import Protocol, load_protocol
from mip.errors import MipError

# NOAA GML global CO2 annual increase and its stated uncertainty, 2015 (bundled 2020 vintage), ppm/yr
GR_2015, GR_UNC_2015 = 2.96, 0.07


def closure_findings(path):
    return [f for f in check(path, "oco2mip-v10", cf=False).findings if f.rule == "data.growth_closure"]


def v10_fossil(year):
    """The v10 MIP's prescribed fossil, from the real band files (columns year month land ocean net foss)."""
    root = real_file("stephens2026-v10mip/V10MIP")
    days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], float)
    tot = 0.0
    for band in ("20X-90X", "20S-20N"):
        a = np.loadtxt(root / "OU" / "LNLG" / f"flux_{band}_timeseries.txt", skiprows=1)
        rows = a[a[:, 0] == year]
        tot += np.average(rows[:, 5], weights=days)
    return tot


def test_a_consistent_submission_passes_and_one_off_by_half_a_petagram_does_not(tmp_path):
    # 2015: NOAA 2.96 ppm × 2.124 = 6.29 Pg C/yr observed; with the v10 MIP's 9.62 fossil the net must be −3.33,
    # within the stated tolerance 2 × 0.07 × 2.124 = 0.30 Pg C/yr
    net = GR_2015 * 2.124 - v10_fossil(2015)
    ocean = OCEAN * (net + 1.5) / -2.5  # land −1.5 Pg C/yr, the ocean the rest
    assert not closure_findings(oco2(tmp_path / "CAMS_gridded_fluxes_LNLG.nc4", ocean=ocean, months=12))
    off = OCEAN * (net + 1.5 - 0.5) / -2.5  # 0.5 Pg C/yr more uptake than the atmosphere allows
    hits = closure_findings(oco2(tmp_path / "x" / "CAMS_gridded_fluxes_LNLG.nc4", ocean=off, months=12))
    assert len(hits) == 1 and "2015: -0.50" in hits[0].observed


def test_a_mass_balance_off_is_flagged_with_its_mismatch(tmp_path):
    # land +1.5 instead of −1.5: net = −1.0 Pg C/yr, a 3 Pg C/yr hole in the mass balance
    hits = closure_findings(oco2(tmp_path / "CAMS_gridded_fluxes_LNLG.nc4", land=-LAND))
    assert len(hits) == 1 and hits[0].severity == "warning" and hits[0].variable == "net + fossil (oco2mip-v10)"
    expected_2015 = -1.0 + v10_fossil(2015) - GR_2015 * 2.124
    got = float(hits[0].observed.split("2015: ")[1].split(" ")[0])
    assert got == pytest.approx(expected_2015, abs=0.006)  # printed to 2 decimals
    # the tolerance is stated, not tuned: 2 × NOAA's 2015 uncertainty × 2.124 (the MIP's own fossil adds none)
    tol = float(hits[0].observed.split("2015: ")[1].split("(±")[1].split(")")[0])
    assert tol == pytest.approx(2 * GR_UNC_2015 * 2.124, abs=0.006)
    assert "2020" not in hits[0].observed  # NOAA's 2020 vintage ends in 2019: 2020 is not judged


def test_priors_and_partial_years_are_not_judged(tmp_path):
    assert not closure_findings(oco2(tmp_path / "CAMS_gridded_fluxes_Prior.nc4", land=-LAND))
    # 6 months of 2015 only: no full year, nothing to judge (the month count is its own finding)
    assert not closure_findings(oco2(tmp_path / "CAMS_gridded_fluxes_LNLG.nc4", land=-LAND, months=6))


def test_closure_is_refused_for_methane():
    base = load_protocol("gcp-ch4-td").model_dump()
    var = next(iter(base["variables"]))
    with pytest.raises(ValueError, match="CO2 only"):
        Protocol(**{**base, "closure": {"variables": [var], "tolerance": 1.0}})
    co2 = load_protocol("oco2mip-v10").model_dump()
    with pytest.raises(ValueError, match=r"\['fossil'\] are not variables"):
        Protocol(**{**co2, "closure": {"variables": ["fossil"], "tolerance": 1.0}})


def test_bad_closure_in_a_yaml_names_the_file(tmp_path):
    import yaml

    co2 = load_protocol("oco2mip-v10").model_dump()
    co2["closure"] = {"variables": ["net"], "tolerance": "loose"}
    p = tmp_path / "mine.yaml"
    p.write_text(yaml.safe_dump(co2))
    with pytest.raises(MipError, match="mine.yaml"):
        load_protocol(p)


def test_real_v10mip_closure_from_the_bundled_table():
    """Every member-year of the bundled table against NOAA, recomputed for one member from the real band files."""
    from mip.report.stocktake import v10mip_closure

    c = v10mip_closure()
    root = real_file("stephens2026-v10mip/V10MIP")
    days = np.array([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], float)  # 2016 is a leap year
    tot = 0.0
    for band in ("20X-90X", "20S-20N"):
        a = np.loadtxt(root / "OU" / "unopt" / f"flux_{band}_timeseries.txt", skiprows=1)
        rows = a[a[:, 0] == 2016]
        tot += np.average(rows[:, 4] + rows[:, 5], weights=days)
    assert float(c.mismatch.sel(model="OU", experiment="prior", year=2016)) == pytest.approx(tot - 2.87 * 2.124, abs=1e-5)
    posterior = c.mismatch.sel(experiment=["IS", "LNLG", "LNLGIS", "LNLGOGIS", "OG"])
    assert float(np.abs(posterior).max()) < 1.2 < float(np.abs(c.mismatch.sel(experiment="prior")).max())
    # the tolerance of each year: 2 × NOAA's stated uncertainty × 2.124 (2017: 0.09 ppm → 0.38 Pg C/yr)
    assert float(c.tolerance.sel(year=2017)) == pytest.approx(2 * 0.09 * 2.124)

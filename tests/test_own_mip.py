"""A coordinator's own five-group MIP (mip.testing.own_mip): checked, budgeted and reported with nothing silently wrong.

The groups' intended totals are prescribed (OWN_MIP_TOTALS); each file carries one fault of the kind real
submissions have.  What each test expects is worked out from those totals and the faults, not from fluxmip.
"""

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from mip.cli import main
from mip.testing import OWN_MIP_TOTALS, write_own_mip


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    root = tmp_path_factory.mktemp("own")
    return root, write_own_mip(root)


def test_check_flags_the_sign_error_without_reading_a_table(own, capsys):
    root, _ = own
    code = main(["check", str(root / "submissions"), "--protocol", str(root / "mymip-protocol.yaml"), "--no-cf"])
    out = capsys.readouterr().out
    assert code == 1
    flags = out.split("Flags:")[1].split("\n\n")[0]
    # Jena-CS wrote positive-up values and said positive='down': read as sources, caught by physics and ensemble
    assert "Jena-CS ocean +2.70 Pg C/yr" in flags and "likely sign error" in flags
    assert "Jena-CS land +1.20 Pg C/yr" in flags
    assert all(g not in flags for g in ("CT-EU", "LSCE", "UoE", "NIES"))
    # every other group conforms except UoE, whose missing month is an error
    for group, status in (("CT-EU", "conforms"), ("LSCE", "conforms"), ("NIES", "conforms"),
                          ("UoE", "does not conform"), ("Jena-CS", "does not conform")):
        line = next(x for x in out.splitlines() if f"/{group}_fluxes" in x and "conform" in x)  # its summary row
        assert line.rstrip().endswith(status), line


def test_check_totals_per_year_in_json(own, tmp_path):
    root, _ = own
    out = tmp_path / "r.json"
    main(["check", str(root / "submissions"), "--protocol", str(root / "mymip-protocol.yaml"), "--no-cf",
          "--format", "json", "--output", str(out)])
    d = json.loads(out.read_text())
    t = pd.DataFrame(d["totals"])
    for group, (land, ocean) in OWN_MIP_TOTALS.items():
        sign = -1 if group == "Jena-CS" else 1  # read with its (wrong) attribute
        for var, want in (("land", land), ("ocean", ocean)):
            got = t[(t.model == group) & (t.variable == var)].set_index("year")["total"]
            assert got[2019] == pytest.approx(sign * want, rel=1e-5)
            if group == "UoE":
                assert got[2018] is None or np.isnan(got[2018])  # a year short of a month has no total
            else:
                assert got[2018] == pytest.approx(sign * want, rel=1e-5)
    flagged = {(e["model"], e["variable"]) for e in d["ensemble"] if e["flag"]}
    assert flagged == {("Jena-CS", "land"), ("Jena-CS", "ocean")}


def test_protocol_and_catalog_found_by_name_in_one_folder(own, monkeypatch, capsys):
    root, _ = own
    monkeypatch.setenv("MIP_PROTOCOL_PATH", str(root))
    monkeypatch.delenv("MIP_CATALOG_PATH", raising=False)
    assert main(["check", str(root / "submissions" / "CT-EU_fluxes_2018-2019.nc"), "--protocol", "mymip",
                 "--no-cf"]) == 0
    assert main(["catalog", "show", "mymip"]) == 0  # the same folder, found for catalogs too
    assert "experiments: posterior" in capsys.readouterr().out


def test_budget_reads_every_group_right(own, tmp_path):
    from mip.errors import IncompleteWarning

    _, cat = own
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        assert main(["budget", str(cat), "fluxes", "--regions", "land-ocean", "--period", "annual", "--quiet",
                     "--out", str(tmp_path)]) == 0
    df = pd.read_csv(tmp_path / "budget.csv")
    assert set(df.experiment) == {"posterior"}  # the catalog's label, though urlpath has no {experiment}
    assert set(df.model) == set(OWN_MIP_TOTALS)  # NIES is not left out for its float32 longitudes
    for group, (land, ocean) in OWN_MIP_TOTALS.items():
        sign = -1 if group == "Jena-CS" else 1
        g = df[df.model == group].set_index(["year", "region"])
        for year in (2018, 2019):
            if group == "UoE" and year == 2018:
                assert np.isnan(g.loc[(year, "land"), "land (Pg C yr-1)"])  # never a mean of 11 months
                assert g.loc[(year, "land"), "missing_land"] == pytest.approx(31 / 365, rel=1e-5)  # August of 2018 (CSV: 6 digits)
                continue
            assert g.loc[(year, "land"), "land (Pg C yr-1)"] == pytest.approx(sign * land, rel=1e-5)
            assert g.loc[(year, "ocean"), "ocean (Pg C yr-1)"] == pytest.approx(sign * ocean, rel=1e-5)
            # LSCE's NaN over the ocean is zero land flux there, not a poisoned ocean row
            assert g.loc[(year, "ocean"), "land (Pg C yr-1)"] == 0.0
    msgs = [str(w.message) for w in rec if issubclass(w.category, IncompleteWarning)]
    assert any("UoE/posterior land 2018" in m for m in msgs)


def test_report_names_the_incomplete_member(own, tmp_path):
    _, cat = own
    assert main(["report", str(cat), "fluxes", "--no-cf", "--quiet", "--out", str(tmp_path)]) == 0
    html = (tmp_path / "index.html").read_text()
    assert "UoE/posterior land 2018" in html
    assert "Jena-CS ocean +2.70 Pg C/yr (2019 mean): likely sign error" in html  # the check's flags, first
    checks = (tmp_path / "checks.html").read_text()
    assert "likely sign error" in checks

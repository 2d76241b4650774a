"""No command answers a user's mistake with a traceback: exit 2 and one line naming what was wrong."""

import pytest

from mip.cli import main


def cases(cat, f, tmp):
    out = str(tmp / "out")
    bad_spec = tmp / "bad.yaml"
    bad_spec.write_text("name: x\nkind: multi_predictor\n")
    broken = tmp / "broken.yaml"
    broken.write_text("{{{")
    (tmp / "empty").mkdir()
    b = ["budget", cat, "gridded_fluxes"]
    return {
        "unknown catalog": (["budget", "nope", "x", "--regions", "bands", "--out", out], "unknown catalog 'nope'"),
        "unknown entry": (["budget", cat, "nope", "--regions", "bands", "--out", out], "no entry 'nope'"),
        "malformed period": (b + ["--regions", "bands", "--period", "2015-13:2016-01", "--out", out], "2015-13"),
        "period outside the data": (b + ["--regions", "bands", "--period", "2030-01:2031-01", "--out", out],
                                    "no whole time step"),
        "period inside a month": (b + ["--regions", "bands", "--period", "2015-01-15:2015-06", "--out", out],
                                  "inside a time step"),
        "period ending on a first, as before 0.1.0": (b + ["--regions", "bands", "--period", "2015-01-01:2016-01-01",
                                                           "--out", out], "the last day is included"),
        "malformed grid": (b + ["--regions", "bands", "--regrid", "abc", "--out", out], "--regrid 'abc'"),
        "unknown region set": (b + ["--regions", "nonsense", "--out", out], "cannot read the region set"),
        "drive-letter path": (b + ["--regions", "mask:C:/data/m.nc:var", "--out", out], "C:/data/m.nc"),
        "path with a space": (b + ["--regions", "vector:/no/such file.gpkg:ISO_A3", "--out", out],
                              "/no/such file.gpkg"),
        "unknown country": (b + ["--regions", "countries:XXX", "--out", out], "XXX"),
        "bands not ascending": (b + ["--regions", "bands:10,0", "--out", out], "ascending"),
        "bands not numbers": (b + ["--regions", "bands:a,b", "--out", out], "must be numbers"),
        "missing mask": (b + ["--regions", "reccap2:/no/file.nc", "--out", out], "/no/file.nc"),
        "unwritable output": (b + ["--regions", "bands", "--out", "/proc/nope/x"], "/proc/nope"),
        "missing lateral file": (b + ["--regions", "bands", "--lateral", "/no/lat.nc", "--out", out], "/no/lat.nc"),
        "malformed variables": (b + ["--regions", "bands", "--variables", "land", "--out", out],
                                "--variables 'land': expected NAME=VALUE"),
        "unknown surface": (b + ["--regions", "bands", "--surfaces", "land=sky", "--out", out],
                            "surfaces are land, ocean or both"),
        "a variable the files do not have": (b + ["--regions", "bands", "--variables", "land=x", "--out", out],
                                             "variable 'x': found no such variable"),
        "check: missing path": (["check", "/no/such/dir", "--protocol", "oco2mip-v10"], "/no/such/dir"),
        "check: unknown protocol": (["check", f, "--protocol", "nope"], "unknown protocol 'nope'"),
        "check: empty folder": (["check", str(tmp / "empty"), "--protocol", "oco2mip-v10"], "no files to check"),
        "check: broken protocol": (["check", f, "--protocol", str(broken)], "invalid YAML"),
        "check: unwritable report": (["check", f, "--protocol", "oco2mip-v10", "--no-cf", "--output",
                                      "/proc/nope/r.json"], "/proc/nope"),
        "constrain: unknown spec": (["constrain", "nope"], "unknown constraint spec 'nope'"),
        "constrain: invalid spec": (["constrain", str(bad_spec)], "Field required"),
        "constrain: broken spec": (["constrain", str(broken)], "invalid YAML"),
        "report: unknown catalog": (["report", "nope", "x", "--out", str(tmp / "r")], "unknown catalog"),
        "report: missing workbook": (["report", cat, "gridded_fluxes", "--ch4-workbook", "/no/wb.xlsx", "--out",
                                      str(tmp / "r")], "/no/wb.xlsx"),
        "catalog: unknown": (["catalog", "show", "nope"], "unknown catalog"),
        "catalog: no name": (["catalog", "show"], "needs a catalog NAME"),
        "demo: unwritable": (["demo", "--out", "/proc/nope"], "/proc/nope"),
        "unknown subcommand": (["nope"], "invalid choice"),
        "protocols: wrong action": (["protocols", "show"], "invalid choice"),
        "constraints: wrong action": (["constraints", "run"], "invalid choice"),
        "families: wrong action": (["families", "nope"], "invalid choice"),
        "missing argument": (["budget", cat], "required"),
        "evaluate: missing model file": (["evaluate", cat, "gridded_fluxes", "/no/nbp_Lmon.nc", "--out", str(tmp / "e")],
                                         "/no/nbp_Lmon.nc"),
        "evaluate: malformed period": (["evaluate", cat, "gridded_fluxes", f, "--period", "soon", "--out",
                                        str(tmp / "e")], "--period 'soon'"),
        "stocktake: year without CH4": (["stocktake", "--year", "2019", "--out", str(tmp / "s")],
                                        "no period '2019'; it has 2000-2009, 2008-2017, 2017"),
        "stocktake: unknown experiment": (["stocktake", "--experiment", "XX", "--out", str(tmp / "s")],
                                          "asked for XX 2017"),
        "stocktake: missing CEOS file": (["stocktake", "--co2", "ceos", "--ceos", "/no/ceos.csv", "--out", str(tmp / "s")],
                                         "/no/ceos.csv"),
        "stocktake: unwritable": (["stocktake", "--no-figures", "--out", "/proc/nope"], "/proc/nope"),
    }




@pytest.fixture(scope="module")
def table(sample_root, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    return cases(str(sample_root / "sample-oco2mip.yaml"), str(sample_root / "oco2mip-v10/IS/Ames_gridded_fluxes_IS.nc4"),
                 tmp)


CASE_NAMES = ["unknown catalog", "unknown entry", "malformed period", "period outside the data", "period inside a month",
              "period ending on a first, as before 0.1.0",
              "malformed grid", "unknown region set", "drive-letter path", "path with a space", "unknown country",
              "bands not ascending", "bands not numbers", "missing mask", "unwritable output", "missing lateral file",
              "check: missing path", "check: unknown protocol", "check: empty folder", "check: broken protocol",
              "check: unwritable report", "constrain: unknown spec", "constrain: invalid spec",
              "constrain: broken spec", "report: unknown catalog", "report: missing workbook", "catalog: unknown",
              "catalog: no name", "demo: unwritable", "unknown subcommand", "missing argument",
              "protocols: wrong action", "constraints: wrong action", "families: wrong action",
              "stocktake: year without CH4", "stocktake: unknown experiment", "stocktake: missing CEOS file",
              "stocktake: unwritable", "evaluate: missing model file", "evaluate: malformed period"]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_wrong_argument_exits_2_with_one_line(table, name, capsys):
    argv, says = table[name]
    try:
        rc = main(argv)
    except SystemExit as e:  # argparse's own usage errors
        rc = e.code
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2, err
    assert err and "Traceback" not in "\n".join(err)
    assert says in err[-1], err[-1]


def test_the_installed_command_exits_with_mains_status_and_its_whole_output(tmp_path):
    """``python -m mip.cli`` (the console script's function): the same status and messages as main()."""
    import subprocess
    import sys

    bad = tmp_path / "missing.nc"
    run = subprocess.run([sys.executable, "-m", "mip.cli", "check", str(bad), "--protocol", "oco2mip-v10", "--no-cf"], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 2 and "missing.nc" in run.stderr and "Traceback" not in run.stderr
    ok = subprocess.run([sys.executable, "-m", "mip.cli", "protocols", "list"], capture_output=True, text=True,
                        timeout=120)
    assert ok.returncode == 0 and "oco2mip-v10" in ok.stdout


def test_without_a_scheduler_dask_is_not_sent_looking_for_a_distributed_client():
    """``scheduler()`` with no address names the threaded scheduler, so a compute does not import distributed."""
    import subprocess
    import sys

    code = ("import sys, dask, dask.threaded, dask.array as da\n"
            "from mip.io.scheduler import scheduler\n"
            "with scheduler(None):\n"
            "    assert dask.config.get('scheduler') is dask.threaded.get\n"
            "    assert float(da.ones(10, chunks=5).sum().compute()) == 10.0\n"
            "assert dask.config.get('scheduler', None) is None\n"  # the caller's configuration is back
            "print('distributed' in sys.modules)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={k: v for k, v in __import__("os").environ.items() if k != "MIP_SCHEDULER"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"

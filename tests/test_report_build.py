"""build_report's order of work: the first sections on bundled data, the caller's work, then the catalog; the stocktake's tables as its page reaches them."""

import re

import pytest

import mip
from mip.report import build_report
from mip.testing import SAMPLE_CATALOG, write_oco2mip_sample


def test_the_callers_work_runs_after_the_bundled_sections_and_before_the_catalog_is_opened(tmp_path):
    out, seen = tmp_path / "report", {}

    def meanwhile():  # the demo writes its sample here: the catalog does not exist before
        seen["figures"] = sorted(p.name for p in (out / "figures").glob("*.png"))
        seen["catalog existed"] = (tmp_path / SAMPLE_CATALOG).exists()
        write_oco2mip_sample(tmp_path, models=("Ames", "CAMS"), experiments=("IS",))

    with mip.set_options(background_figures=False):  # figures drawn in place: written when meanwhile runs
        page = build_report(tmp_path / SAMPLE_CATALOG, "gridded_fluxes", out, ch4_workbook=True, cf=False,
                            progress=False, meanwhile=meanwhile)
    assert seen == {"figures": ["ch4_td_vs_bu.png"], "catalog existed": False}
    html = page.read_text()
    assert "2 models (Ames, CAMS)" in html
    # the GCP-CH4 section, computed first, is in its place: after the maps, and so in the contents
    heads = re.findall(r"<h2 id='([^']+)'>", html)
    nav = re.findall(r"<a href='#([^']+)'>", html.split("</nav>")[0])
    assert nav == heads and heads.index("top-down-vs-bottom-up-gcp-ch4") == heads.index("maps") + 1


def test_a_failure_in_the_callers_work_leaves_no_page(tmp_path):
    def meanwhile():
        raise RuntimeError("the sample could not be written")

    with pytest.raises(RuntimeError, match="could not be written"):
        build_report(tmp_path / SAMPLE_CATALOG, "gridded_fluxes", tmp_path / "report", ch4_workbook=True, cf=False,
                     progress=False, meanwhile=meanwhile)
    assert not (tmp_path / "report" / "index.html").exists()
    assert not list((tmp_path / "report").rglob("*.part*"))


def test_the_stocktake_hands_over_each_figure_once_its_own_tables_are_computed(monkeypatch):
    # the stocktake's tables are computed as its page reaches them, not all before the first section: its first
    # figure goes to the figure process before the national tables (the last, with no figure) are computed
    import mip.report.national_sections as national
    from mip.report.stocktake import add_stocktake_sections

    events, real = [], national.national_tables
    monkeypatch.setattr(national, "national_tables", lambda: (events.append("national tables"), real())[1])

    class Recorder:  # a page that only records the figures handed over
        def figure(self, fig, name, caption):
            events.append(name)

        def __getattr__(self, name):
            return lambda *a, **k: None

    shown = add_stocktake_sections(Recorder())
    assert events.index("co2eq_countries") < events.index("national tables") == len(events) - 1
    assert events.count("national tables") == 1  # each table computed once
    assert {"co2eq_countries", "growth_closure", "growth_rate_trends"} <= set(events)
    assert {"growth_closure", "growth_rate_trends", "sink_trends", "ocean_sink_trends"} <= set(shown)

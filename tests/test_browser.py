"""The report in a real browser: headless Chromium loads index.html, every figure, no console error.

Marked ``browser``: skipped where no Chromium exists (``.ci/run`` installs Debian's ``chromium``).
"""

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from mip.cli import main
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out)]) == 0
    return out / "report" / "index.html"


def test_report_in_headless_chromium(report, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    errors, failed = [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.goto(report.as_uri(), wait_until="load")
        images = page.evaluate("Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth])")
        external = page.evaluate("Array.from(document.querySelectorAll('[src],[href]'))"
                                 ".map(e => e.getAttribute('src') || e.getAttribute('href'))"
                                 ".filter(u => /^(https?:)?\\/\\//.test(u))")
        headings = page.evaluate("Array.from(document.querySelectorAll('h2')).map(h => h.textContent)")
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert len(images) >= 10
    broken = [src for src, complete, width in images if not complete or width == 0]
    assert not broken, f"figures that did not load: {broken}"
    assert not errors, f"console errors: {errors}"
    assert not failed and not external, (failed, external)
    for h in ("Submission checks", "Global and regional budgets", "Time series per region", "Maps",
              "Top-down vs bottom-up (GCP-CH4)", "GWP-weighted CO2-equivalent summary", "Emergent constraints",
              "Provenance", "Real data: the OCO-2 v10 MIP by latitude",
              "Real data: the Global Carbon Budget 2023 next to the inversions",
              "Real data: the observed CO2 growth rate (NOAA)",
              "Three-gas stocktake: CO2 and CH4 in CO2-equivalent", "Growth-rate closure of the OCO-2 v10 MIP members",
              "Monitoring: the observed growth rate and the sinks' trends"):
        assert h in headings
    assert shot.stat().st_size > 50_000

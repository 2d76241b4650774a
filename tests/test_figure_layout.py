"""Figures laid out with fixed margins (mip.io.figure_layout): drawn, no text leaves the figure or runs into another panel."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from mip.io.figure_layout import fixed_margins  # noqa: E402


def _texts(ax):
    """The visible, non-empty texts an axes owns: title, axis labels, the tick labels drawn (inside the view)."""

    def drawn(labels, index, lim):
        lo, hi = sorted(lim)
        tol = 1e-9 * max(abs(hi - lo), 1.0)
        return [t for t in labels if lo - tol <= t.get_position()[index] <= hi + tol]

    out = [ax.title, ax.xaxis.label, ax.yaxis.label, *drawn(ax.get_xticklabels(), 0, ax.get_xlim()),
           *drawn(ax.get_yticklabels(), 1, ax.get_ylim())]
    return [t for t in out if t.get_visible() and t.get_text().strip()]


def layout_problems(fig, dpi: float = 90) -> list[str]:
    """Texts outside the figure, over another panel, or over another panel's texts (after drawing at ``dpi``)."""
    fig.set_dpi(dpi)
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    page = fig.bbox
    axes = [ax for ax in fig.axes if ax.get_visible()]
    boxes = {id(ax): ax.get_window_extent(r) for ax in axes}
    owned = [(ax, t, t.get_window_extent(r)) for ax in axes for t in _texts(ax)]
    if fig._suptitle is not None and fig._suptitle.get_text():
        owned.append((None, fig._suptitle, fig._suptitle.get_window_extent(r)))
    problems = []
    for ax, t, b in owned:
        if b.x0 < page.x0 - 1 or b.y0 < page.y0 - 1 or b.x1 > page.x1 + 1 or b.y1 > page.y1 + 1:
            problems.append(f"{t.get_text()!r} leaves the figure")
        for other in axes:
            if other is not ax and b.overlaps(boxes[id(other)]):
                problems.append(f"{t.get_text()!r} runs into another panel")
    for i, (ax, t, b) in enumerate(owned):
        for ax2, t2, b2 in owned[i + 1:]:
            if ax2 is not ax and b.overlaps(b2):
                problems.append(f"{t.get_text()!r} and {t2.get_text()!r} overlap")
    plt.close(fig)
    return problems


def _td_bu(nreg: int = 22):
    """GCP-CH4-like top-down and bottom-up summaries: the real category names, values from 0.1 to 250 and below 0."""
    from mip.budgets.ch4 import TD_BU_PAIRS

    rng = np.random.default_rng(3)
    regions = ["GLOBAL", "Northern South America", "Southwest South America", *[f"Region {i}" for i in range(nreg - 3)]]
    rows_td, rows_bu = [], []
    for k, reg in enumerate(regions):
        scale = [250.0, 17.5, 0.35, 3.5][k % 4]
        for cat, parts in TD_BU_PAIRS.items():
            m = scale * rng.uniform(0.1, 1.0)
            rows_td.append({"region": reg, "category": cat, "mean": m, "min": -0.2 * scale, "max": 1.4 * m})
            for c in parts:
                rows_bu.append({"region": reg, "category": c, "mean": m / len(parts), "min": 0.0, "max": m})
    return pd.DataFrame(rows_td), pd.DataFrame(rows_bu), regions, TD_BU_PAIRS


@pytest.mark.parametrize("nreg", [22, 25, 7, 3])
def test_td_bu_bars_text_stays_clear(nreg):
    from mip.report.figures import td_bu_bars

    td, bu, regions, pairs = _td_bu(nreg)
    assert layout_problems(td_bu_bars(td, bu, regions, "2008-2017", pairs)) == []


def test_the_check_sees_crowded_panels():
    """The check itself: the same figure with no margins and no gaps is refused."""
    from mip.report.figures import td_bu_bars

    td, bu, regions, pairs = _td_bu(22)
    fig = td_bu_bars(td, bu, regions, "2008-2017", pairs)
    fixed_margins(fig, left=0.0, right=0.0, top=0.0, bottom=0.0)
    problems = layout_problems(fig)
    assert any("leaves the figure" in p for p in problems) and any("another panel" in p for p in problems)


def test_margins_that_leave_no_room_are_refused():
    fig, _ = plt.subplots(2, 2, figsize=(2, 2))
    with pytest.raises(ValueError, match="no room"):
        fixed_margins(fig, left=1.0, right=1.0, top=0.1, bottom=0.1)
    plt.close(fig)


def test_region_timeseries_text_stays_clear():
    import xarray as xr

    from mip.report.figures import region_timeseries

    time = pd.date_range("2015-01-01", periods=24, freq="MS")
    regions = ["south", "tropics", "north", "Northern South America", "globe"]
    rng = np.random.default_rng(4)
    monthly = xr.DataArray(rng.normal(scale=7.5, size=(4, 1, 24, len(regions))), dims=("model", "experiment", "time", "region"),
                           coords={"model": ["Ames", "CAMS", "LoFI", "WOMBAT"], "experiment": ["IS"], "time": time,
                                   "region": regions})
    assert layout_problems(region_timeseries(monthly, "IS", "Pg C yr-1", "land, IS: monthly totals")) == []


def test_maps_text_stays_clear():
    import xarray as xr

    from mip.report.figures import draw_maps

    lat, lon = np.arange(-89.5, 90), np.arange(-179.5, 180)
    rng = np.random.default_rng(5)
    fields = xr.Dataset(coords={"lat": lat, "lon": lon},
                        attrs={"variables": ["land", "ocean", "net"], "lon_extent": [-180.0, 180.0],
                               "lat_extent": [-90.0, 90.0]})
    for v in fields.attrs["variables"]:
        fields[f"{v}_mean"] = (("lat", "lon"), rng.normal(scale=12.5, size=(180, 360)), {"reported_as": "C"})
        fields[f"{v}_spread"] = (("lat", "lon"), rng.uniform(0, 0.35, size=(180, 360)))
    assert layout_problems(draw_maps(fields, "IS: mean over 2015-01 to 2015-12")) == []


def test_constraint_case_panels_text_stay_clear():
    """The bundled Southern Ocean airborne constraint (real campaigns and inversions), one panel per campaign."""
    from mip.constrain.plots import case_panels
    from mip.constrain.runner import run_spec
    from mip.constrain.spec import list_specs, load_spec

    outcome = run_spec(load_spec(list_specs()["southern-ocean-airborne"]))
    assert layout_problems(case_panels(outcome), dpi=100) == []

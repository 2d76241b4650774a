"""Conclusion (a): has observed N2O grown faster than under any SSP scenario, and CO2 at the pace of a middle one?

Usage::

    python analyses/scenario_growth.py --out DIR [--scenarios RCMIP_CSV] [--noaa DIR] [--windows 2015-2024,2005-2024]

Reads NOAA GML's global annual means (``<gas>_annmean_gl.csv`` in ``--noaa``; default the bundled 2025 files) and
the RCMIP SSP concentrations (default the bundled rows of the real file), and writes ``DIR/scenario_growth.csv``
(per gas and window: the observed growth and its combined uncertainty, the scenarios' range, the rank and the
verdict), ``DIR/scenario_growth_all.csv`` (every scenario's growth) and ``DIR/scenario_fan.png``. Prints the
verdicts.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from mip.errors import MipError
from mip.io import atomic_write


def _windows(text: str) -> list[tuple[int, int]]:
    out = []
    for part in text.split(","):
        m = re.fullmatch(r"\s*(\d{4})\s*-\s*(\d{4})\s*", part)
        if not m or int(m[1]) > int(m[2]):
            raise argparse.ArgumentTypeError(f"{part!r}: expected FIRST-LAST years, e.g. 2015-2024")
        out.append((int(m[1]), int(m[2])))
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the analysis; see the module docstring."""
    from mip.monitoring.scenarios import bundled_observations, growth_vs_scenarios, scenario_growth_table
    from mip.obs.noaa import read_noaa
    from mip.report.figures import save
    from mip.report.monitoring import scenario_conclusions
    from mip.report.monitoring_figures import scenario_fan
    from mip.tables.rcmip import read_rcmip_concentrations

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--scenarios", type=Path, default=None, help="RCMIP wide CSV (default: the bundled rows)")
    ap.add_argument("--noaa", type=Path, default=None, help="folder of NOAA <gas>_annmean_gl.csv (default: bundled)")
    ap.add_argument("--windows", type=_windows, default=None, help="default: the last 10 and 20 years with data")
    a = ap.parse_args(argv)
    try:
        scen = read_rcmip_concentrations(a.scenarios)
        obs = bundled_observations() if a.noaa is None else \
            {g: read_noaa(a.noaa / f"{g.lower()}_annmean_gl.csv") for g in ("CO2", "CH4", "N2O")}
        table = growth_vs_scenarios(obs, scen, windows=a.windows)
        every = scenario_growth_table(obs, scen, windows=a.windows)
    except MipError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    a.out.mkdir(parents=True, exist_ok=True)
    for name, df in (("scenario_growth", table), ("scenario_growth_all", every)):
        with atomic_write(a.out / f"{name}.csv") as tmp:
            df.to_csv(tmp, index=False, float_format="%.6g")
    save(scenario_fan(obs, scen, table), a.out / "scenario_fan.png")
    print("\n".join(scenario_conclusions(table)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

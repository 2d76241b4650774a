"""Conclusion (c): can emission cuts be monitored as a decline in the atmospheric CO2 growth rate, and how soon?

Usage::

    python analyses/growth_rate_monitoring.py --out DIR [--monthly co2_mm_mlo.txt] [--index oni.ascii.txt]
        [--changes -1,-2,-5] [--start 2025] [--include-volcanic]

Computes the annual growth rate from NOAA's deseasonalized monthly CO2 (December-January to December-January;
default the bundled Mauna Loa file of 2026), removes its ENSO part (regression on a trend and the index averaged
over 12 months, the lag chosen by R²; volcanic years flagged and, unless asked, left out of the fit; default index
the bundled ONI; a NOAA PSL file such as ``nina34.anom.data`` works too), and writes ``DIR/growth_rate_enso.csv``
(per year), ``DIR/detectability.csv`` (years of record that detect each change of fossil emissions, with the GCB
2023's fossil emissions and airborne fraction) and ``DIR/growth_rate_enso.png``. Prints the fit and the verdict.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mip.errors import MipError
from mip.io import atomic_write


def _changes(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(x) for x in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected numbers separated by commas, e.g. -1,-2,-5") from None


def main(argv: list[str] | None = None) -> int:
    """Run the analysis; see the module docstring."""
    from mip.monitoring.growth_rate import (annual_growth_from_monthly, bundled_mlo_growth, detectability,
                                            gcb_fossil_and_airborne_fraction, remove_enso)
    from mip.obs.enso import bundled_oni, read_enso_index
    from mip.obs.noaa import read_noaa
    from mip.report.figures import save
    from mip.report.monitoring import detectability_conclusion
    from mip.report.monitoring_figures import growth_without_enso

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--monthly", type=Path, default=None, help="NOAA monthly CO2 file (default: bundled Mauna Loa)")
    ap.add_argument("--index", type=Path, default=None, help="ENSO index file (default: the bundled ONI)")
    ap.add_argument("--changes", type=_changes, default=(-1.0, -2.0, -5.0), help="%% per year (default -1,-2,-5)")
    ap.add_argument("--start", type=int, default=2025, help="first year of the change (default 2025)")
    ap.add_argument("--include-volcanic", action="store_true", help="fit the volcanic years too (flagged anyway)")
    a = ap.parse_args(argv)
    try:
        growth = bundled_mlo_growth() if a.monthly is None else \
            annual_growth_from_monthly(read_noaa(a.monthly).deseasonalized)
        index = bundled_oni() if a.index is None else read_enso_index(a.index)
        fit = remove_enso(growth, index, exclude_volcanic=not a.include_volcanic)
        gcb = gcb_fossil_and_airborne_fraction()
        det = detectability(fit, fossil=gcb["fossil"], airborne_fraction=gcb["airborne_fraction"], changes=a.changes,
                            start_year=a.start)
    except MipError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    a.out.mkdir(parents=True, exist_ok=True)
    yearly = fit[["growth", "enso_index", "enso_part", "adjusted", "trend", "residual"]].to_dataframe().reset_index()
    yearly["volcanic"], yearly["in_fit"] = fit.volcanic.values, fit.in_fit.values
    for name, df in (("growth_rate_enso", yearly), ("detectability", det)):
        with atomic_write(a.out / f"{name}.csv") as tmp:
            df.to_csv(tmp, index=False, float_format="%.6g")
    save(growth_without_enso(fit, det), a.out / "growth_rate_enso.png")
    print(f"ENSO: {fit.attrs['index']}, lag {fit.attrs['lag']} months, {fit.attrs['coefficient']:.2f} ± "
          f"{fit.attrs['coefficient_se']:.2f} ppm/yr per index unit, R² {fit.attrs['r2']:.2f}, {fit.attrs['n_fit']} "
          f"years fitted; volcanic years {'fitted' if a.include_volcanic else 'left out'}: {fit.attrs['volcanic_years']}")
    print(detectability_conclusion(fit, det, gcb))
    return 0


if __name__ == "__main__":
    sys.exit(main())

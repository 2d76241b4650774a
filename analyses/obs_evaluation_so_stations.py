"""Three inversions at the Southern Ocean surface stations (Long et al. 2021): bias, RMSE, correlation, seasonal cycle.

Usage::

    python analyses/obs_evaluation_so_stations.py --out DIR [--data FOLDER]

Reads the observed monthly CO2 and CT2019B, MIROC and CAMSv20r1 sampled at the same stations (default the real
files bundled with fluxmip; ``--data`` a folder with the same names), matches Macquarie Island's model label
(``MQA_CSIRO_flask``) to the observed series (``MQA_CSIRO_insitu``) by a stated alias, and scores every model
at every series and season. Writes ``DIR/station_scores.csv``, ``DIR/station_taylor.csv``,
``DIR/station_by_band.csv`` and ``DIR/station_taylor.png``; prints the summary per model and latitude band.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mip.errors import MipError
from mip.io import write_csv


def main(argv: list[str] | None = None) -> int:
    """Run the analysis; see the module docstring."""
    from mip.obs.obs_space import bundled_stations, station_evaluation
    from mip.report.figures import save
    from mip.report.obs_figures import taylor_diagram

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--data", help="folder with the files of NCAR/so-co2-airborne-obs (default bundled)")
    args = ap.parse_args(argv)
    b = bundled_stations()
    if args.data:
        d = Path(args.data)
        b.update(observed=d / b["observed"].name, stations=d / b["stations"].name,
                 models={m: d / p.name for m, p in b["models"].items()})
    try:
        res = station_evaluation(b["observed"], b["models"], stations=b["stations"], aliases=b["aliases"])
    except MipError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("scores", "taylor", "by_band"):
        write_csv(res[name], out / f"station_{name}.csv")
    tay = res["taylor"]
    save(taylor_diagram(tay, f"Southern Ocean stations 1998-2020, detrended monthly CO2: median over "
                        f"{int(tay.sites.max())} series per model"), out / "station_taylor.png")
    fmt = {"float_format": lambda v: f"{v:.3f}"}
    print("per model, median over the series (ppm):")
    print(tay.to_string(index=False, **fmt))
    print("per model and station latitude band (ppm; amplitude ratio model/observed; phase in months):")
    print(res["by_band"].to_string(index=False, **fmt))
    return 0


if __name__ == "__main__":
    sys.exit(main())

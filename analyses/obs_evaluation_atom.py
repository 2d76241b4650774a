"""The OCO-2 v10 MIP against ATom (Stephens et al. 2026): which members reproduce the observed CO2 distribution?

Usage::

    python analyses/obs_evaluation_atom.py --out DIR [--models TABLE --observed TABLE]

Scores every member's ATom-sampled annual-mean CO2 field (15 latitude x 7 pressure bins, ppm relative to the
Mauna Loa trend) against the NOAA Picarro observations (``CO2_OP``): bias, RMSE, pattern correlation and SD
ratio over all bins, per latitude band and per pressure layer; the median over models per experiment; a Taylor
diagram of the experiments. Default tables: the real ones bundled with fluxmip. Writes
``DIR/atom_scores.csv``, ``DIR/atom_by_experiment.csv`` and ``DIR/atom_taylor.png``; prints the ranking.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mip.errors import MipError
from mip.io import write_csv


def main(argv: list[str] | None = None) -> int:
    """Run the analysis; see the module docstring."""
    from mip.obs.obs_space import atom_evaluation
    from mip.report.figures import save
    from mip.report.obs_figures import taylor_diagram

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--models", help="the models' Annual_mean_2D_fields_as_columns.txt (default bundled)")
    ap.add_argument("--observed", help="the observations' table (default bundled; joined by position)")
    args = ap.parse_args(argv)
    try:
        res = atom_evaluation(args.models, args.observed)
    except MipError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("scores", "by_experiment"):
        write_csv(res[name], out / f"atom_{name}.csv")
    be = res["by_experiment"]
    allb = be[be.group == "all bins"].sort_values("rmse")
    save(taylor_diagram(allb.rename(columns={"experiment": "label"}), "v10 MIP vs ATom (annual means, 105 bins): "
                        "median over 10 models per experiment", label="label"), out / "atom_taylor.png")
    print("v10 MIP vs ATom, median over models, all bins (ppm), best RMSE first:")
    print(allb[["experiment", "models", "bias", "rmse", "r", "sd_ratio"]].to_string(index=False,
                                                                                   float_format=lambda v: f"{v:.3f}"))
    worst = allb.iloc[-1]
    print(f"largest misfit: {worst.experiment} (median bias {worst.bias:+.2f} ppm, RMSE {worst.rmse:.2f} ppm); "
          f"best: {allb.iloc[0].experiment} (RMSE {allb.iloc[0].rmse:.2f} ppm)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``mip evaluate-obs``: inversions scored against observations (the v10 MIP against ATom, or models at stations)."""

from __future__ import annotations

import argparse
from pathlib import Path

from mip.cli._common import Parents, out_dir, pairs


def add_parser(sub, parents: Parents) -> None:
    """Declare ``mip evaluate-obs``."""
    eo = sub.add_parser("evaluate-obs", help="score inversions against observations: the v10 MIP against ATom "
                                             "(bundled), or models sampled at stations", parents=[parents.no_figures])
    eo.add_argument("what", choices=["atom", "stations"], help="'atom': the bundled v10 MIP ATom fields; "
                    "'stations': an observed station table against models sampled there")
    eo.add_argument("--observed", help="stations: the observed monthly table (year month <station>_<lab>_<method>); "
                    "without it and --model, the bundled Southern Ocean stations")
    eo.add_argument("--model", action="append", default=[], metavar="NAME=FILE",
                    help="stations: a model's table sampled at the same stations (repeat per model)")
    eo.add_argument("--stations", help="stations: the station list (positions, for the latitude bands)")
    eo.add_argument("--alias", action="append", default=[], metavar="MODEL_SERIES=OBSERVED_SERIES",
                    help="stations: a series a model names differently (e.g. MQA_CSIRO_flask=MQA_CSIRO_insitu)")
    eo.add_argument("--out", default="evaluate-obs-out", help="output directory (default ./evaluate-obs-out)")
    eo.add_argument("--weights", choices=["rmse", "crmse", "abs_bias"],
                    help="atom: also the optional skill-weighted ensemble (ClimWIP performance weights from this "
                    "score over all bins, per experiment) and its effect on the band budgets; never the default")
    eo.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Observation-space scores: CSVs headed by their basis, a Taylor diagram, a summary on standard output."""
    from mip.io import write_csv
    from mip.report.obs_evaluation import evaluate_obs

    out = Path(out_dir(args.out))
    res = evaluate_obs(args.what, observed=args.observed, models=pairs(",".join(args.model), "--model"),
                       stations=args.stations, aliases=pairs(",".join(args.alias), "--alias"), weights=args.weights)
    for note in res["notes"]:
        print(note)
    tables, summary, title = res["tables"], res["summary"], res["title"]
    for name, df in tables.items():
        write_csv(df, out / f"{name}.csv")
    if not args.no_figures:
        from mip.report import figures as F
        from mip.report.obs_figures import taylor_diagram

        F.save(taylor_diagram(summary, title, label="label"), out / f"{args.what}_taylor.png")
    cols = [c for c in ("label", "group", "sites", "models", "bias", "rmse", "r", "sd_ratio") if c in summary.columns]
    print(f"{title} (ppm):")
    print(summary[cols].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if "atom_weighted_budgets" in tables:
        wb = tables["atom_weighted_budgets"]
        print(f"skill-weighted ensemble (optional; {wb.attrs['weights']}; sigma = {wb.attrs['sigma']}), "
              f"{wb.attrs['years']}, Pg C/yr to the atmosphere: largest change of a band's mean "
              f"{wb.change.abs().max():.3f}; weighted/unweighted SD {wb.sd_ratio.min():.2f}-{wb.sd_ratio.max():.2f}; "
              f"effective members {tables['atom_weights'].n_effective.min():.1f}-"
              f"{tables['atom_weights'].n_effective.max():.1f} of 10")
        wc = tables["atom_weighted_constraint"]
        print("latitudinal-airborne constraint, equal vs skill weights (Pg C/yr): "
              + "; ".join(f"{r.region} {r['mean']:.2f} ± {r.sd:.2f} vs {r.weighted_mean:.2f} ± {r.weighted_sd:.2f}"
                          for _, r in wc.iterrows()) + f" ({wc.attrs['caveat']})")
    print(f"written to {out}")
    return 0

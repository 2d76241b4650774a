"""``mip constrain``: run an emergent-constraint spec and write its tables and figures."""

from __future__ import annotations

import argparse

from mip.cli._common import Parents, spec_path


def add_parser(sub, parents: Parents) -> None:
    """Declare ``mip constrain``."""
    k = sub.add_parser("constrain", help="run an emergent-constraint spec (constraints/*.yaml)", parents=[parents.no_figures])
    k.add_argument("spec", help="spec file, or the name of one in constraints/")
    k.add_argument("--out", default="constraint-out", help="output directory (default ./constraint-out)")
    k.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run a constraint spec and write its tables and figures."""
    from mip.constrain.output import write_outcome
    from mip.constrain.runner import run_spec
    from mip.constrain.spec import load_spec

    spec = load_spec(spec_path(args.spec))
    if spec.__class__.__name__ == "MultiPredictorSpec":
        return _multi(spec, args)
    outcome = run_spec(spec)
    files = write_outcome(outcome, args.out, figures=not args.no_figures)
    t = outcome.table()
    print(f"{spec.name} ({spec.method}):")
    for _, r in t.iterrows():
        flags = f"  [{r['flags']}]" if r["flags"] else ""
        print(f"  {r['case']:10s} {r['mean']:8.3f} ± {r['sd']:.3f}  66% [{r['p17']:.3f}, {r['p83']:.3f}]  "
              f"variance reduction {r['variance_reduction']:.0%}{flags}")
    return _notes_and_files(outcome.notes, files, args.out)


def _multi(spec, args: argparse.Namespace) -> int:
    """Run a multi-predictor spec and print its regions' constrained values and reductions."""
    from mip.constrain.multi import run_multi
    from mip.constrain.output import write_multi

    outcome = run_multi(spec)
    files = write_multi(outcome, args.out, figures=not args.no_figures)
    priors = list(spec.priors)
    print(f"{spec.name} ({spec.method}, Monte Carlo {spec.monte_carlo.draws} draws x "
          f"{len(outcome.x_obs)} observations), Pg C/yr:")
    for _, r in outcome.results.iterrows():
        extra = "".join(f"; vs {p}: prior {r[f'prior_mean_{p}']:.2f} ± {r[f'prior_sd_{p}']:.2f}, "
                        f"reduction {r[f'reduction_pct_{p}']:.0f}%" for p in priors[1:])
        print(f"  {r['region']:5s} {r['mean']:7.3f} ± {r['sd']:.3f}  (prior {r['prior_mean']:.2f} ± {r['prior_sd']:.2f}, "
              f"reduction {r['reduction_pct']:.0f}%{extra})")
    return _notes_and_files(outcome.notes, files, args.out)


def _notes_and_files(notes: list[str], files: list, out: str) -> int:
    """Print a run's notes and what it wrote (both kinds of spec end alike)."""
    for n in notes:
        print(f"  note: {n}")
    print(f"written: {len(files)} files in {out}")
    return 0

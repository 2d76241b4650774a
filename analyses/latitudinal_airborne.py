"""The OCO-2 v10 MIP constrained by airborne CO2 (Stephens et al. 2026), from the spec ``latitudinal-airborne``.

Usage::

    python analyses/latitudinal_airborne.py --out DIR [--spec PATH]

Runs the spec (the 50 members' ATom-sampled CO2 and June 2016 – May 2018 total fluxes, bundled
real data) and writes ``DIR/results.csv`` (``region,mean,sd,prior_mean,prior_sd,reduction_pct``
and the same against the prior without OG and LNLGOGIS), ``DIR/coefficients.csv``,
``DIR/inputs.csv``, ``DIR/observations.csv``, ``DIR/scatter.png`` and ``DIR/profile.png``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mip.cli import main as mip_main


def main(argv: list[str] | None = None) -> int:
    """Run the analysis; see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--spec", default="latitudinal-airborne", help="spec name or path (default latitudinal-airborne)")
    a = ap.parse_args(argv)
    return mip_main(["constrain", a.spec, "--out", str(a.out)])


if __name__ == "__main__":
    sys.exit(main())

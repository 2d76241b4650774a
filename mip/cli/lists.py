"""``mip protocols|constraints|families list``: what is known, with where it comes from."""

from __future__ import annotations

import argparse

from mip.cli._common import Parents

KINDS = (("protocols", "MIP protocols (mip/protocols and $MIP_PROTOCOL_PATH)"),
         ("constraints", "constraint specs (mip/constraints and $MIP_CONSTRAINT_PATH)"),
         ("families", "product families (readers, and those of installed plugins)"))


def add_parser(sub, parents: Parents) -> None:
    """Declare ``mip protocols list``, ``mip constraints list`` and ``mip families list``."""
    for kind, what in KINDS:
        lp = sub.add_parser(kind, help=f"list the {what}")
        lp.add_argument("action", choices=["list"])
        lp.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """``mip protocols|constraints|families list``: what is known, with where it comes from."""
    if args.command == "families":
        from mip.products import families

        for name in families():
            print(name)
        return 0
    if args.command == "protocols":
        from mip.checks.protocol import list_protocols as known
    else:
        from mip.constrain.spec import list_specs as known
    for name, path in known().items():
        print(f"{name:28s} {path}")
    return 0

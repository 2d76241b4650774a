"""What the commands share: parent parsers (each shared option declared once) and argument parsing.

Nothing here computes science; a value that cannot be used is a one-line :class:`~mip.errors.MipError`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from mip.errors import MipError

if TYPE_CHECKING:
    from mip.conventions.period import Period

__all__ = ["Parents", "pairs", "variables_option", "period_arg", "out_dir", "regrid_arg",
           "tolerance_arg", "spec_path", "read_options", "write_text"]


class Parents:
    """The parent parsers of the commands (``argparse`` ``parents=``): one declaration per shared option."""

    def __init__(self) -> None:
        def parser() -> argparse.ArgumentParser:
            return argparse.ArgumentParser(add_help=False)

        self.catalog_entry = parser()
        self.catalog_entry.add_argument("catalog", help="catalog name or path")
        self.catalog_entry.add_argument("entry", help="catalog entry")
        self.data_root = parser()
        self.data_root.add_argument("--data-root", help="root of the data tree (default $MIP_DATA)")
        self.compute = parser()
        self.compute.add_argument("--scheduler", help="dask.distributed scheduler address (default $MIP_SCHEDULER, "
                                  "else threads)")
        self.compute.add_argument("--quiet", action="store_true", help="no progress bar")
        self.regrid = parser()
        self.regrid.add_argument("--regrid", help="DLATxDLON: put members on other grids onto this grid (conservative)")
        self.attribution = parser()
        self.attribution.add_argument(
            "--attribution", choices=["surface", "area"], default="surface",
            help="surface (default): a land flux goes to land regions by their share of each cell's land, an "
            "ocean flux to ocean regions; area: plain area weighting (regionmask, xagg)")
        self.attribution.add_argument(
            "--variables", help="CANONICAL=NATIVE[,...]: which of the files' variables is the land, ocean, ... "
            "flux (e.g. land=nee,ocean=fgco2; reader option 'variables')")
        self.attribution.add_argument(
            "--surfaces", help="NAME=land|ocean|both[,...]: the surface of variables whose name does not say "
            "(e.g. Landuse_Cflux=land)")
        self.model_files = parser()  # how an Earth system model's CMIP files are read (evaluate, report --evaluate)
        self.model_files.add_argument("--calendar", choices=["error", "by-month"], default="error",
                                      help="a model on another calendar: refuse (default) or compare months by "
                                      "their labels")
        self.model_files.add_argument("--sign", choices=["atmosphere", "surface"], help="sign convention of "
                                      "variables whose metadata do not give it (never guessed)")
        self.model_files.add_argument("--sftlf", help="the model's land area fraction file (CMIP6 fx sftlf)")
        self.model_files.add_argument("--sftof", help="the model's sea area fraction file (CMIP6 Ofx sftof)")
        self.model_files.add_argument("--land-fraction", choices=["natural-earth"], help="without sftlf/sftof: the "
                                      "bundled Natural Earth land fraction on the model's grid")
        self.model_files.add_argument("--bounds", choices=["file", "centres"], help="cell bounds: the file's "
                                      "(default) or from evenly spaced centres")
        self.no_figures = parser()
        self.no_figures.add_argument("--no-figures", action="store_true", help="tables only")


def pairs(text: str | None, flag: str) -> dict[str, str] | None:
    """``a=b,c=d`` → {a: b, c: d}, or a clear error."""
    if not text:
        return None
    out = {}
    for part in text.split(","):
        k, eq, v = part.partition("=")
        if not eq or not k.strip() or not v.strip():
            raise MipError(f"{flag} {text!r}: expected NAME=VALUE[,NAME=VALUE...]")
        out[k.strip()] = v.strip()
    if flag == "--surfaces":
        bad = {k: v for k, v in out.items() if v not in ("land", "ocean", "both")}
        if bad:
            raise MipError(f"{flag} {text!r}: surfaces are land, ocean or both (found {bad})")
    return out


def variables_option(text: str | None) -> dict:
    """``--variables land=NATIVE,ocean=NATIVE`` → the reader option ``variables={canonical: native}``."""
    found = pairs(text, "--variables")
    return {"variables": found} if found else {}


def period_arg(text: str | None, *, keywords: bool = True) -> str | Period | None:
    """``--period``: ``monthly`` (None), ``annual``, ``all`` or a period, the last included (2015:2020).

    Parameters
    ----------
    text
        As given on the command line.
    keywords
        Whether ``monthly``, ``annual`` and ``all`` are accepted (``mip budget`` and ``mip report``).

    Raises
    ------
    MipError
        Naming the text and the forms (:mod:`mip.conventions.period`).
    """
    from mip.conventions.period import Period

    if text is None or keywords and text == "monthly":
        return None
    if keywords and text in ("annual", "all"):
        return text
    return Period.parse(text, what="--period")


def out_dir(out: str, *, make: bool = True) -> str:
    """Where ``--out`` puts the files: a directory, as ``DIR/`` (made unless ``make=False``: checked only)."""
    p = Path(out)
    if p.suffix.lower() in (".csv", ".nc"):
        raise MipError(f"--out {out}: --out is a directory in every command (the files are written inside it)")
    if make:
        p.mkdir(parents=True, exist_ok=True)
    return f"{p}/"


def regrid_arg(text: str | None) -> tuple[float, float] | None:
    """``--regrid DLATxDLON`` (e.g. ``1x1``, ``2x2.5``) → (dlat, dlon), or a clear error."""
    if not text:
        return None
    parts = text.lower().split("x")
    try:
        out = tuple(float(x) for x in parts)
    except ValueError:
        out = ()
    if len(out) != 2:
        raise MipError(f"--regrid {text!r}: expected DLATxDLON in degrees, e.g. 1x1 or 2x2.5")
    from mip.geometry.regrid import check_resolution

    return check_resolution(out, "--regrid")


def tolerance_arg(text: str) -> str | float:
    """``stated`` or a finite positive number (argparse type)."""
    import math

    if text == "stated":
        return text
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: 'stated' or a positive number of Pg C/yr") from None
    if not math.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: a tolerance must be finite and positive")
    return v


def spec_path(name: str) -> str:
    from mip.constrain.spec import list_specs
    from mip.io.yamlspec import resolve_name

    return str(resolve_name(name, list_specs, "constraint spec"))


def read_options(args: argparse.Namespace) -> dict:
    return {k: v for k, v in (("sign", args.sign), ("sftlf", args.sftlf), ("sftof", args.sftof),
                              ("land_fraction", args.land_fraction), ("bounds", args.bounds)) if v is not None}


def write_text(path: Path, text: str) -> None:
    from mip.io import atomic_write

    with atomic_write(path) as tmp:
        tmp.write_text(text)

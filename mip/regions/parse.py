"""Region sets named on the command line: ``bands``, ``land-ocean``, ``transcom:PATH``, ..."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mip.errors import MipError
from mip.io.registry import Registry

if TYPE_CHECKING:
    from mip.regions.core import RegionSet

__all__ = ["parse_regions", "SPEC_HELP", "REGION_SETS", "spec_help"]

#: Region sets named on the command line (``NAME[:ARGUMENTS]``): name → builder(arguments) → RegionSet, with its
#: syntax as ``help``.  Another package adds its own through the entry-point group ``fluxmip.regions`` (a function
#: taking the text after the colon); a new bundled set is one more ``@REGION_SETS.register`` here.
REGION_SETS = Registry("region set", "fluxmip.regions", default_meta={"help": ""})

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _path_and_name(rest: str, required: bool) -> tuple[str, str | None]:
    """Split ``PATH[:NAME]`` at its last colon, so that paths with colons (``C:/data/m.nc``) stay whole.

    A trailing part counts as the name only if it is an identifier (a variable or attribute name).
    """
    head, sep, tail = rest.rpartition(":")
    if sep and head and _NAME.fullmatch(tail):
        return head, tail
    if required:
        raise MipError(f"{rest!r}: expected PATH:NAME (a variable or attribute name after the last ':')")
    return rest, None


@REGION_SETS.register("bands", help="bands (GCB north/tropics/south) | bands:-90,-30,30,90")
def _bands(rest: str) -> RegionSet:
    from mip.regions.core import latitude_bands

    if not rest:
        return latitude_bands()
    try:
        edges = tuple(float(x) for x in rest.split(","))
    except ValueError:
        raise MipError(f"region set 'bands:{rest}': band edges must be numbers, e.g. bands:-90,-30,30,90") from None
    return latitude_bands(edges)


@REGION_SETS.register("land-ocean", help="land-ocean")
def _land_ocean(rest: str) -> RegionSet:
    from mip.regions.natural_earth import land_ocean

    if rest:
        raise MipError(f"region set 'land-ocean:{rest}': land-ocean takes nothing after it")
    return land_ocean()


REGION_SETS.register("landocean", _land_ocean)  # the spelling without a hyphen


@REGION_SETS.register("countries", help="countries[:ISO,ISO,...] | countries:PATH:FIELD")
def _countries(rest: str) -> RegionSet:
    from mip.regions.natural_earth import countries

    if not rest or _NAME.fullmatch(rest.replace(",", "_").replace(" ", "_")):
        return countries([c.strip() for c in rest.split(",")] if rest else None)  # bundled Natural Earth
    return _vector(rest, surface="land")


@REGION_SETS.register("transcom", help="transcom:PATH")
def _transcom(rest: str) -> RegionSet:
    from mip.io import regionfiles as rf
    from mip.regions.named import transcom

    if not rest:
        raise MipError("region set 'transcom': give the mask file, transcom:PATH[:VARIABLE]")
    path, var = _path_and_name(rest, required=False)
    return transcom(rf.read_mask(path, var or "transcom_regions"))


def _reccap2(rest: str, basin: bool) -> RegionSet:
    from mip.io.reccap2_masks import read_reccap2_masks
    from mip.regions.named import reccap2

    masks = read_reccap2_masks(rest or None, basins=("open_ocean",) if basin else None)  # no path: the bundled copy
    return reccap2(masks, level="basin" if basin else "subregion")


REGION_SETS.register("reccap2", lambda rest: _reccap2(rest, False), help="reccap2[:PATH]")
REGION_SETS.register("reccap2-basins", lambda rest: _reccap2(rest, True), help="reccap2-basins[:PATH]")


@REGION_SETS.register("gcp-ch4", help="gcp-ch4[:PATH]")
def _gcp_ch4(rest: str) -> RegionSet:
    from mip.io import regionfiles as rf
    from mip.regions.named import gcp_ch4

    if not rest:  # $MIP_GCP_CH4_MASK
        return gcp_ch4(None)
    path, var = _path_and_name(rest, required=False)
    return gcp_ch4(rf.read_mask(path, var or "region"))


@REGION_SETS.register("mask", help="mask:PATH:VARIABLE")
def _mask(rest: str) -> RegionSet:
    from mip.io import regionfiles as rf
    from mip.regions.core import from_mask

    if not rest:
        raise MipError("region set 'mask': give the file and variable, mask:PATH:VARIABLE")
    path, var = _path_and_name(rest, required=True)
    return from_mask(rf.read_mask(path, var))


@REGION_SETS.register("vector", help="vector:PATH:FIELD")
def _vector(rest: str, surface: str = "any") -> RegionSet:
    from mip.io import regionfiles as rf
    from mip.regions.vector import from_geodataframe

    if not rest:
        raise MipError("region set 'vector': give the file and field, vector:PATH:FIELD")
    path, field = _path_and_name(rest, required=True)
    return from_geodataframe(rf.read_vector(path), field, surface=surface)


def spec_help() -> str:
    """The forms of every registered region set (plugins' included), for help texts and messages."""
    return " | ".join(REGION_SETS.meta(n)["help"] or f"{n}[:...]" for n in _ORDER + [
        n for n in REGION_SETS.names() if n not in _ORDER and n != "landocean"])


_ORDER = ["bands", "land-ocean", "countries", "transcom", "reccap2", "reccap2-basins", "gcp-ch4", "mask", "vector"]
SPEC_HELP = " | ".join(REGION_SETS.meta(n)["help"] for n in _ORDER)


def _one(spec: str) -> RegionSet:
    kind, _, rest = spec.partition(":")
    if kind not in REGION_SETS:
        raise MipError(f"cannot read the region set {spec!r}; use one of: {spec_help()}")
    return REGION_SETS.get(kind)(rest)


def parse_regions(specs: list[str]) -> RegionSet:
    """Build one RegionSet from command-line specs (combined with ``+``).

    The forms with a path read their file through :mod:`mip.io.regionfiles`.

    Parameters
    ----------
    specs
        Each one of the forms in :data:`SPEC_HELP`.

    Returns
    -------
    RegionSet
    """
    out: RegionSet | None = None
    for spec in specs:
        try:
            rs = _one(spec)
        except ValueError as exc:  # a malformed value inside an otherwise well-formed spec
            raise MipError(f"region set {spec!r}: {exc}") from exc
        out = rs if out is None else out + rs
    if out is None:
        raise MipError(f"no region set given; use one of: {spec_help()}")
    return out

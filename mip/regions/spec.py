"""Region sets named on the command line: ``bands``, ``land-ocean``, ``transcom:PATH``, ..."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mip.errors import MipError

if TYPE_CHECKING:
    from mip.regions.core import RegionSet

__all__ = ["parse_regions", "SPEC_HELP"]

SPEC_HELP = ("bands (GCB north/tropics/south) | bands:-90,-30,30,90 | land-ocean | countries[:ISO,ISO,...] | "
             "transcom:PATH | "
             "reccap2[:PATH] | reccap2-basins[:PATH] | gcp-ch4[:PATH] | mask:PATH:VARIABLE | vector:PATH:FIELD (countries:PATH:FIELD)")


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


def _one(spec: str):
    from mip.io import regionfiles as rf
    from mip.regions.core import from_mask, latitude_bands
    from mip.regions.named import gcp_ch4, reccap2, transcom
    from mip.regions.natural_earth import countries, land_ocean
    from mip.regions.vector import from_geodataframe

    kind, _, rest = spec.partition(":")
    if kind == "bands":
        if not rest:
            return latitude_bands()
        try:
            edges = tuple(float(x) for x in rest.split(","))
        except ValueError:
            raise MipError(f"region set {spec!r}: band edges must be numbers, e.g. bands:-90,-30,30,90") from None
        return latitude_bands(edges)
    if kind in ("land-ocean", "landocean") and not rest:
        return land_ocean()
    if kind == "countries" and (not rest or _NAME.fullmatch(rest.replace(",", "_").replace(" ", "_"))):
        return countries([c.strip() for c in rest.split(",")] if rest else None)  # bundled Natural Earth
    if kind == "transcom" and rest:
        path, var = _path_and_name(rest, required=False)
        return transcom(rf.read_mask(path, var or "transcom_regions"))
    if kind in ("reccap2", "reccap2-basins"):  # no path: the bundled copy of the published masks
        from mip.io.reccap2_masks import read_reccap2_masks

        basin = kind == "reccap2-basins"
        masks = read_reccap2_masks(rest or None, basins=("open_ocean",) if basin else None)
        return reccap2(masks, level="basin" if basin else "subregion")
    if kind == "gcp-ch4":  # no path: $MIP_GCP_CH4_MASK
        if not rest:
            return gcp_ch4(None)
        path, var = _path_and_name(rest, required=False)
        return gcp_ch4(rf.read_mask(path, var or "region"))
    if kind == "mask" and rest:
        path, var = _path_and_name(rest, required=True)
        return from_mask(rf.read_mask(path, var))
    if kind in ("vector", "countries") and rest:
        path, field = _path_and_name(rest, required=True)
        return from_geodataframe(rf.read_vector(path), field, surface="land" if kind == "countries" else "any")
    raise MipError(f"cannot read the region set {spec!r}; use one of: {SPEC_HELP}")


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
        raise MipError(f"no region set given; use one of: {SPEC_HELP}")
    return out

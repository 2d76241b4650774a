"""Region sets named on the command line: ``bands``, ``land-ocean``, ``transcom:PATH``, ..."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mip.errors import MipError

if TYPE_CHECKING:
    from mip.regions.core import RegionSet

__all__ = ["parse_regions", "SPEC_HELP"]

SPEC_HELP = ("bands (GCB north/tropics/south) | bands:-90,-30,30,90 | land-ocean | countries[:ISO,ISO,...] | "
             "transcom:PATH | "
             "reccap2[:PATH] | reccap2-basins[:PATH] | gcp-ch4[:PATH] | mask:PATH:VARIABLE | vector:PATH:FIELD (countries:PATH:FIELD)")


def parse_regions(specs: list[str]) -> RegionSet:
    """Build one RegionSet from command-line specs (combined with ``+``).

    Parameters
    ----------
    specs
        Each one of the forms in :data:`SPEC_HELP`.

    Returns
    -------
    RegionSet
    """
    from mip.regions.core import from_mask, latitude_bands
    from mip.regions.named import gcp_ch4, reccap2, transcom
    from mip.regions.natural_earth import countries, land_ocean
    from mip.regions.vector import from_vector

    out: RegionSet | None = None
    for spec in specs:
        kind, _, rest = spec.partition(":")
        args = rest.split(":") if rest else []
        if kind == "bands":
            rs = latitude_bands(tuple(float(x) for x in args[0].split(","))) if args else latitude_bands()
        elif kind in ("land-ocean", "landocean"):
            rs = land_ocean()
        elif kind == "countries" and len(args) < 2:  # bundled Natural Earth; countries:FRA,DEU,... to choose
            rs = countries(args[0].split(",") if args else None)
        elif kind == "transcom" and args:
            rs = transcom(args[0], **({"variable": args[1]} if len(args) > 1 else {}))
        elif kind == "reccap2":  # no path: the bundled copy of the published masks
            rs = reccap2(args[0] if args else None)
        elif kind == "reccap2-basins":
            rs = reccap2(args[0] if args else None, level="basin")
        elif kind == "gcp-ch4":  # no path: $MIP_GCP_CH4_MASK
            rs = gcp_ch4(args[0] if args else None, **({"variable": args[1]} if len(args) > 1 else {}))
        elif kind == "mask" and len(args) == 2:
            rs = from_mask(args[0], variable=args[1])
        elif kind in ("vector", "countries") and len(args) == 2:
            rs = from_vector(args[0], name=args[1], surface="land" if kind == "countries" else "any")
        else:
            raise MipError(f"cannot read the region set {spec!r}; use one of: {SPEC_HELP}")
        out = rs if out is None else out + rs
    if out is None:
        raise MipError(f"no region set given; use one of: {SPEC_HELP}")
    return out

"""Region sets: sparse (region × cell) weights with exact fractional coverage.

Public API: :func:`latitude_bands`, :func:`land_ocean`, :func:`from_mask`,
:func:`from_geodataframe`, :func:`from_geometries`, :func:`countries`, :func:`transcom`,
:func:`reccap2`, :func:`gcp_ch4`; each returns a :class:`RegionSet`, and sets combine with ``+``.
Pure compute: constructors take objects (DataArray, GeoDataFrame, shapely geometries); files are
read by :mod:`mip.io.regionfiles` (:func:`read_regions` here does both in one step).  Names are
imported on first use, so the command line's help does not load the geometry code.
"""

from __future__ import annotations

from mip._lazy import lazy_exports

_EXPORTS = {
    "RegionSet": "core", "latitude_bands": "core", "from_mask": "core", "grid_weights": "core", "GCB_BANDS": "core",
    "SURFACE_KINDS": "core",
    "countries": "natural_earth", "country_table": "natural_earth", "land_fraction": "natural_earth",
    "land_ocean": "natural_earth",
    "gcp_ch4": "named", "reccap2": "named", "transcom": "named", "TRANSCOM_NAMES": "named",
    "GCP_CH4_REGIONS": "named",
    "parse_regions": "parse", "SPEC_HELP": "parse",
    "from_geometries": "vector", "from_geodataframe": "vector", "read_regions": "from_files",
}
__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, {n: (f"mip.regions.{m}", n) for n, m in _EXPORTS.items()},
                                   submodules=True)

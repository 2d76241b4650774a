"""Region sets: sparse (region × cell) weights with exact fractional coverage.

Public API: :func:`latitude_bands`, :func:`land_ocean`, :func:`from_mask`,
:func:`from_vector`, :func:`from_geometries`, :func:`countries`, :func:`transcom`, :func:`reccap2`,
:func:`gcp_ch4`; each returns a
:class:`RegionSet`, and sets combine with ``+``.
"""

from mip.regions.core import GCB_BANDS, RegionSet, from_mask, grid_weights, latitude_bands
from mip.regions.natural_earth import countries, country_table, land_fraction, land_ocean
from mip.regions.named import GCP_CH4_REGIONS, TRANSCOM_NAMES, gcp_ch4, reccap2, transcom
from mip.regions.spec import SPEC_HELP, parse_regions
from mip.regions.vector import from_geometries, from_vector

__all__ = ["RegionSet", "latitude_bands", "from_mask", "from_vector", "land_ocean", "transcom", "reccap2",
           "gcp_ch4", "grid_weights", "GCB_BANDS", "TRANSCOM_NAMES", "GCP_CH4_REGIONS",
           "parse_regions", "SPEC_HELP", "countries", "country_table", "land_fraction", "from_geometries"]

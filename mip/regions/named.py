"""Named region sets: land/ocean, TransCom-3, RECCAP2 and the GCP-CH4 regions."""

from __future__ import annotations

import os
from os import PathLike

import xarray as xr

from mip.errors import InputError, MipError
from mip.regions.core import RegionSet, from_mask

__all__ = ["transcom", "reccap2", "gcp_ch4", "TRANSCOM_NAMES", "GCP_CH4_REGIONS"]

#: TransCom-3 regions, codes 1–11 land, 12–22 ocean (Gurney et al. 2002).
TRANSCOM_NAMES = (
    "North American Boreal", "North American Temperate", "South American Tropical", "South American Temperate",
    "Northern Africa", "Southern Africa", "Eurasia Boreal", "Eurasia Temperate", "Tropical Asia", "Australia",
    "Europe", "North Pacific Temperate", "West Pacific Tropical", "East Pacific Tropical",
    "South Pacific Temperate", "Northern Ocean", "North Atlantic Temperate", "Atlantic Tropical",
    "South Atlantic Temperate", "Southern Ocean", "Indian Tropical", "South Indian Temperate",
)
#: The 18 GCP-CH4 regions of Saunois et al. (2020), as in the workbook (codes 1–18).
GCP_CH4_REGIONS = (
    "Central America", "Northern South America", "Brazil", "Southwest South America", "Northern Africa",
    "Equatorial Africa", "Southern Africa", "South Asia", "Southeast Asia", "Oceania", "USA", "Europe",
    "Central Asia", "Middle East", "China", "Korean Japan", "Canada", "Russia",
)


def transcom(path: str | PathLike | xr.DataArray, *, variable: str = "transcom_regions") -> RegionSet:
    """TransCom-3 regions from a mask file (e.g. CarbonTracker's ``regions.nc``).

    Parameters
    ----------
    path
        The mask file or an integer (lat, lon) DataArray with codes 1–22.
    variable
        Name of the mask variable.

    Returns
    -------
    RegionSet
    """
    rs = from_mask(path, variable=variable, names={i + 1: n for i, n in enumerate(TRANSCOM_NAMES)})
    bad = [n for n in rs.names if n.startswith("region_")]
    if bad:
        raise InputError(path if not isinstance(path, xr.DataArray) else "mask", variable,
                         f"codes outside 1..22 ({bad})", "TransCom-3 codes 1-11 land, 12-22 ocean")
    surfaces = tuple("land" if TRANSCOM_NAMES.index(n) < 11 else "ocean" for n in rs.names)  # 1-11 land, 12-22 ocean
    return RegionSet(rs.names, tuple(f"T{TRANSCOM_NAMES.index(n) + 1:02d}" for n in rs.names), rs.fraction,
                     "TransCom-3 " + rs.description, surfaces)


def reccap2(path: str | PathLike | None = None, *, basins: tuple[str, ...] | None = None,
            level: str = "subregion") -> RegionSet:
    """RECCAP2 ocean regions from the RECCAP2 mask file (default: the bundled copy of the published file).

    Parameters
    ----------
    path
        ``RECCAP2_region_masks_all_v20221025.nc``; ``None`` uses the bundled copy.
    basins
        Basin masks to use at the sub-region level (default every basin present, plus ``land``).
    level
        ``"subregion"``: the Fay & McKinley sub-biomes of every basin (``NA SPSS``, ``SO ICE``,
        ``Arabian Sea``, ..., and ``Arctic 1`` … ``Arctic 10``, which the file leaves unnamed);
        ``"basin"``: the five basins of ``open_ocean`` (Atlantic, Pacific, Indian, Arctic, Southern).

    Returns
    -------
    RegionSet
        Regions named as in the file's ``region_name`` attributes, abbreviations
        ``<basin>:<code>``.

    Examples
    --------
    >>> reccap2(level="basin").names
    ('Atlantic', 'Pacific', 'Indian', 'Arctic', 'Southern')
    """
    from mip.products.reccap2 import BASIN_LEVEL, read_reccap2

    if level not in ("subregion", "basin"):
        raise MipError(f"RECCAP2 level {level!r}: expected 'subregion' or 'basin'")
    ds = read_reccap2(path, basins=(BASIN_LEVEL,) if level == "basin" else basins)
    total: RegionSet | None = None
    for b in ds.data_vars:
        names = list(ds[b].attrs["region_names"])
        rs = from_mask(ds[b], names=names)
        codes = [names.index(n) + 1 for n in rs.names]
        kind = "land" if b == "land" else "ocean"
        rs = RegionSet(rs.names, tuple(f"{b}:{c}" for c in codes), rs.fraction, rs.description, (kind,) * len(rs))
        total = rs if total is None else total + rs
    assert total is not None
    return RegionSet(total.names, total.abbrevs, total.fraction, f"RECCAP2 {level}s ({ds.attrs['source_file']})",
                     total.surfaces)


def gcp_ch4(path: str | PathLike | xr.DataArray | None = None, *, variable: str = "region",
            with_bands: bool = True) -> RegionSet:
    """The 18 GCP-CH4 regions (+ the workbook's 3 latitude bands and the globe).

    The region mask is not redistributable with this package: give the GCP-CH4 region
    file (integer codes 1–18 in the order of :data:`GCP_CH4_REGIONS`), or set
    ``MIP_GCP_CH4_MASK`` to its path once.

    Parameters
    ----------
    path
        Mask file or integer DataArray; default ``$MIP_GCP_CH4_MASK``.
    variable
        Mask variable in the file.
    with_bands
        Add ``GLOBAL``, ``<30°N``, ``30°N-60°N``, ``60°N-90°N`` as in the workbook.

    Returns
    -------
    RegionSet
    """
    from mip.regions.core import latitude_bands

    if path is None:
        path = os.environ.get("MIP_GCP_CH4_MASK")
        if not path:
            raise MipError("the GCP-CH4 region mask is not bundled (it is not redistributable): pass its path, "
                           "gcp_ch4('regions.nc', variable=...), or set MIP_GCP_CH4_MASK to it")
    rs = from_mask(path, variable=variable, names={i + 1: n for i, n in enumerate(GCP_CH4_REGIONS)}, surface="land")
    if with_bands:
        rs = latitude_bands((-90, 90), names=("GLOBAL",)) + latitude_bands(
            (-90, 30, 60, 90), names=("<30°N", "30°N-60°N", "60°N-90°N")) + rs
    return rs

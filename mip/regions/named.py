"""Named region sets from masks: TransCom-3, RECCAP2 and the GCP-CH4 regions.

Each takes the mask object (a DataArray, or the RECCAP2 Dataset); the files are read by
:mod:`mip.io.regionfiles` and :mod:`mip.io.reccap2_masks`.
"""

from __future__ import annotations


import xarray as xr

from mip.errors import InputError, MipError
from mip.regions.core import RegionSet, from_mask


def _not_a_mask(func: str, got: object, how: str) -> MipError:
    return MipError(f"mip.regions.{func} takes the mask object, not {type(got).__name__} {got!r}: {how}")

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


def transcom(mask: xr.DataArray) -> RegionSet:
    """TransCom-3 regions from their integer mask (e.g. CarbonTracker's ``regions.nc``).

    Parameters
    ----------
    mask
        Integer (lat, lon) codes 1–22, e.g. ``mip.io.regionfiles.read_mask("regions.nc",
        "transcom_regions")``.

    Returns
    -------
    RegionSet
        Codes 1–11 with surface land, 12–22 ocean.

    Raises
    ------
    InputError
        Codes outside 1–22.
    """
    if not isinstance(mask, xr.DataArray):
        raise _not_a_mask("transcom", mask, "transcom(mip.io.regionfiles.read_mask(path, 'transcom_regions'))")
    rs = from_mask(mask, names={i + 1: n for i, n in enumerate(TRANSCOM_NAMES)})
    bad = [n for n in rs.names if n.startswith("region_")]
    if bad:
        raise InputError(mask.attrs.get("source_file", "mask"), mask.name or "mask",
                         f"codes outside 1..22 ({bad})", "TransCom-3 codes 1-11 land, 12-22 ocean")
    surfaces = tuple("land" if TRANSCOM_NAMES.index(n) < 11 else "ocean" for n in rs.names)  # 1-11 land, 12-22 ocean
    return RegionSet(rs.names, tuple(f"T{TRANSCOM_NAMES.index(n) + 1:02d}" for n in rs.names), rs.fraction,
                     "TransCom-3 " + rs.description, surfaces)


def reccap2(masks: xr.Dataset | None = None, *, basins: tuple[str, ...] | None = None,
            level: str = "subregion") -> RegionSet:
    """RECCAP2 ocean regions from the RECCAP2 masks (default: the bundled copy of the published file).

    Parameters
    ----------
    masks
        The masks as read by :func:`mip.io.reccap2_masks.read_reccap2_masks`; ``None`` reads the
        bundled copy.
    basins
        Basin masks to use at the sub-region level (default every basin in ``masks``, which
        by default are the five basins plus ``land``).
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
    from mip.io.reccap2_masks import BASIN_LEVEL, BASINS, read_reccap2_masks

    if level not in ("subregion", "basin"):
        raise MipError(f"RECCAP2 level {level!r}: expected 'subregion' or 'basin'")
    wanted = (BASIN_LEVEL,) if level == "basin" else basins
    if isinstance(masks, xr.Dataset):
        missing = [b for b in wanted or () if b not in masks.data_vars]
        if missing:
            raise InputError(masks.attrs.get("source_file", "masks"), missing[0], "not in the masks given",
                             f"one of {', '.join(map(str, masks.data_vars))} (read it: read_reccap2_masks(path, basins=...))")
        ds = masks[list(wanted)] if wanted else masks.drop_vars(BASIN_LEVEL, errors="ignore")
        ds.attrs.update(masks.attrs)
    else:
        if masks is not None:
            raise _not_a_mask("reccap2", masks, "reccap2(mip.io.reccap2_masks.read_reccap2_masks(path))")
        ds = read_reccap2_masks(None, basins=wanted)
    if not ds.data_vars:
        raise InputError(ds.attrs.get("source_file", "masks"), None, "no sub-region mask",
                         f"the basin masks ({', '.join(BASINS)}); "
                         "or level='basin' for the open_ocean mask")
    total: RegionSet | None = None
    for b in ds.data_vars:
        names = list(ds[b].attrs["region_names"])
        rs = from_mask(ds[b], names=names)
        codes = [names.index(n) + 1 for n in rs.names]
        kind = "land" if b == "land" else "ocean"
        rs = RegionSet(rs.names, tuple(f"{b}:{c}" for c in codes), rs.fraction, rs.description, (kind,) * len(rs))
        total = rs if total is None else total + rs
    assert total is not None
    return RegionSet(total.names, total.abbrevs, total.fraction, f"RECCAP2 {level}s ({ds.attrs.get('source_file', 'masks')})",
                     total.surfaces)


def gcp_ch4(mask: xr.DataArray | None = None, *, variable: str = "region",
            with_bands: bool = True) -> RegionSet:
    """The 18 GCP-CH4 regions (+ the workbook's 3 latitude bands and the globe).

    The region mask is not redistributable with this package: give the GCP-CH4 region
    mask (integer codes 1–18 in the order of :data:`GCP_CH4_REGIONS`), e.g.
    ``mip.io.regionfiles.read_mask(path, "region")``, or set ``MIP_GCP_CH4_MASK`` to the file's
    path once.

    Parameters
    ----------
    mask
        Integer (lat, lon) DataArray; default the file at ``$MIP_GCP_CH4_MASK``.
    variable
        Mask variable in the ``$MIP_GCP_CH4_MASK`` file.
    with_bands
        Add ``GLOBAL``, ``<30°N``, ``30°N-60°N``, ``60°N-90°N`` as in the workbook.

    Returns
    -------
    RegionSet
    """
    from mip.regions.core import latitude_bands

    if not isinstance(mask, xr.DataArray):
        from mip.io.regionfiles import read_mask

        if mask is not None:
            raise _not_a_mask("gcp_ch4", mask, "gcp_ch4(mip.io.regionfiles.read_mask(path, variable))")
        from mip._options import get_option

        path = get_option("gcp_ch4_mask")
        if not path:
            raise MipError("the GCP-CH4 region mask is not bundled (it is not redistributable): pass it, "
                           "gcp_ch4(mip.io.regionfiles.read_mask('regions.nc', 'region')), or set MIP_GCP_CH4_MASK "
                           "to its path")
        mask = read_mask(path, variable)
    rs = from_mask(mask, names={i + 1: n for i, n in enumerate(GCP_CH4_REGIONS)}, surface="land")
    if with_bands:
        rs = latitude_bands((-90, 90), names=("GLOBAL",)) + latitude_bands(
            (-90, 30, 60, 90), names=("<30°N", "30°N-60°N", "60°N-90°N")) + rs
    return rs

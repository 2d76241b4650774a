"""Lateral-transport corrections: from net biosphere exchange to stock change (pure compute).

Sign conventions (all in the same units, per cell or per region):

* ``NBE``, ``NCE``, ``FF`` and the result ``dC_loss``: positive = carbon to the atmosphere,
  i.e. a loss of the land stock.
* Lateral terms ``Rivers``, ``Wood``, ``Crop`` (and ``Wood_Crop``) and the optional reduced-
  carbon-species term: positive = carbon *entering* the region's land (a net import of crop or
  wood products, river carbon received), negative = carbon leaving it (exports, river export,
  CO/CH4/BVOC emitted and oxidised elsewhere).

Identities (Byrne et al. 2023; Ciais et al. 2022): NCE = NBE + FF and
ΔC_loss = NBE − Rivers − (Wood + Crop) [− reduced species].  Every function is linear, so
applying it per grid cell before aggregation or per region after it gives the same totals.

Uncertainties, as the CEOS pilot file states them (every row of
``pilot_topdown_CO2_Budget_countries_v1.csv`` is reproduced from its own components in the tests):
the atmosphere constrains NCE, so the ensemble spread is NCE's uncertainty; the fossil uncertainty is
added in quadrature to give NBE's, NBE_unc = √(NCE_unc² + FF_unc²) (:func:`nbe_uncertainty`).
ΔC_loss adds the lateral uncertainties in quadrature (the default, and what the file's mean rows do),
or, with ``uncertainty="ceos"``, carries NBE's unchanged (what the file's annual rows do).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

#: Inputs and outputs: scalars, numpy arrays or DataArrays (the functions are elementwise).
ArrayLike = float | np.ndarray | xr.DataArray

__all__ = ["nce", "dc_loss", "dc_loss_uncertainty", "nbe_uncertainty", "gcb_river_adjustment", "river_split",
           "GCB_RIVER"]

#: GCB pre-industrial river flux adjustment (Pg C/yr) and its split over latitude bands.
GCB_RIVER = {"total": 0.65, "north": 0.14, "tropics": 0.42, "south": 0.09}


def nce(nbe: ArrayLike, ff: ArrayLike) -> ArrayLike:
    """Net carbon exchange NCE = NBE + FF (fossil emissions positive).

    Parameters
    ----------
    nbe, ff
        Arrays, DataArrays or scalars in the same units.

    Returns
    -------
    Same type as the inputs.
    """
    return nbe + ff


def dc_loss(nbe: ArrayLike, rivers: ArrayLike, wood_crop: ArrayLike, reduced: ArrayLike | None = None) -> ArrayLike:
    """Stock loss ΔC_loss = NBE − Rivers − (Wood + Crop) [− reduced species].

    Parameters
    ----------
    nbe
        Net biosphere exchange (positive = to the atmosphere).
    rivers, wood_crop
        Lateral terms (positive = carbon entering the region's land).
    reduced
        Optional reduced-carbon-species term, same convention.

    Returns
    -------
    Same type as the inputs.
    """
    out = nbe - rivers - wood_crop
    return out if reduced is None else out - reduced


def _quad(*terms):
    return np.sqrt(sum(t**2 for t in terms if t is not None))


def dc_loss_uncertainty(nbe_unc: ArrayLike, rivers_unc: ArrayLike | None = None, wood_crop_unc: ArrayLike | None = None,
                        reduced_unc: ArrayLike | None = None, *, uncertainty: str = "quadrature") -> ArrayLike:
    """Uncertainty of ΔC_loss.

    Parameters
    ----------
    nbe_unc, rivers_unc, wood_crop_unc, reduced_unc
        Standard uncertainties (``None`` = not given).
    uncertainty
        ``"quadrature"`` (independent errors, the default; the CEOS file's period-mean rows) or
        ``"ceos"`` (the NBE uncertainty unchanged: the CEOS file's annual rows).

    Returns
    -------
    Same type as the inputs.
    """
    if uncertainty == "ceos":
        return nbe_unc
    if uncertainty != "quadrature":
        raise ValueError("uncertainty must be 'quadrature' or 'ceos'")
    if rivers_unc is None or wood_crop_unc is None:
        raise ValueError("quadrature needs the uncertainties of Rivers and Wood+Crop; "
                         "use uncertainty='ceos' to carry the NBE uncertainty alone")
    return _quad(nbe_unc, rivers_unc, wood_crop_unc, reduced_unc)


def nbe_uncertainty(nce_unc: ArrayLike, ff_unc: ArrayLike) -> ArrayLike:
    """Uncertainty of NBE = NCE − FF: the NCE uncertainty (the ensemble spread) and the fossil one in quadrature.

    The inversions constrain the net carbon exchange (what the atmosphere sees); NBE is obtained by removing
    the prescribed fossil emissions, whose uncertainty adds to it (Byrne et al. 2023; the CEOS pilot file's
    NBE_unc = √(NCE_unc² + FF_unc²) on every row).

    Parameters
    ----------
    nce_unc, ff_unc
        Standard uncertainties.

    Returns
    -------
    Same type as the inputs.

    Examples
    --------
    China 2017 in the CEOS file (Tg CO2): NCE_unc 228.26, FF_unc 231.71 → NBE_unc 325.26.

    >>> round(float(nbe_uncertainty(228.26262845521984, 231.71149760847086)), 2)
    325.26
    """
    return _quad(nce_unc, ff_unc)


def river_split(river: xr.Dataset, *, variable: str = "river") -> dict[str, float]:
    """Split a gridded river-flux adjustment over the GCB latitude bands (Pg C/yr).

    Parameters
    ----------
    river
        Canonical gridded flux (kg C m-2 s-1, positive = to the atmosphere, with ``cell_area``
        and bounds), e.g. :func:`mip.products.reccap2.read_river_flux` of the RECCAP2 grid.
    variable
        The flux variable.

    Returns
    -------
    dict
        ``total``, ``north`` (> 30°N), ``tropics`` (30°S–30°N), ``south`` (< 30°S), in Pg C/yr
        (a time axis, if any, is averaged over its bounds).
    """
    from mip.budgets.aggregation import aggregate
    from mip.regions import latitude_bands

    period = "all" if "time" in river[variable].dims else None
    gcb = latitude_bands()
    bands = aggregate(river, gcb, variables=[variable], period=period)[variable]  # bands cover the globe: nothing is
    out = {name: float(bands.sel(region=name)) for name in gcb.names}               # left unattributed
    out["total"] = sum(out.values())
    return out


def gcb_river_adjustment(land: xr.DataArray, ocean: xr.DataArray, *, band_dim: str = "region",
                         bands: dict[str, str] | None = None,
                         river: xr.Dataset | None = None) -> tuple[xr.DataArray, xr.DataArray]:
    """Apply the GCB river adjustment to latitude-band totals (Pg C/yr, positive = to the atmosphere).

    The river carbon the land exports outgasses from the ocean, so inversions see too large a
    land sink and too small an ocean sink: per band the ocean flux is lowered (a larger sink)
    and the land flux raised by the band's share.  Totals are unchanged.  The shares are the
    GCB's constants (north 0.14, tropics 0.42, south 0.09; 0.65 in all) unless a river grid is
    given, whose own split over the bands is then used (:func:`river_split`).

    Parameters
    ----------
    land, ocean
        Band totals with a ``band_dim`` labelled by band.
    band_dim
        The band dimension.
    bands
        Label → ``"north" | "tropics" | "south"`` (default: labels are those names).
    river
        Optional gridded river flux (canonical, positive = to the atmosphere) to split.

    Returns
    -------
    land_adjusted, ocean_adjusted
    """
    labels = [str(v) for v in land[band_dim].values]
    key = bands or {b: b for b in labels}
    share = GCB_RIVER if river is None else river_split(river)
    adj = xr.DataArray([share[key[b]] for b in labels], dims=band_dim, coords={band_dim: land[band_dim]})
    return land + adj, ocean - adj

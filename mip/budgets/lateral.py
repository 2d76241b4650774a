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

from mip.errors import MipError

import numpy as np
import xarray as xr

#: Inputs and outputs: scalars, numpy arrays or DataArrays (the functions are elementwise).
ArrayLike = float | np.ndarray | xr.DataArray

__all__ = ["nce", "dc_loss", "dc_loss_uncertainty", "nbe_uncertainty", "gcb_river_adjustment", "river_split",
           "river_adjustment", "apply_river_adjustment",
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
        raise MipError("uncertainty must be 'quadrature' or 'ceos'")
    if rivers_unc is None or wood_crop_unc is None:
        raise MipError("quadrature needs the uncertainties of Rivers and Wood+Crop; "
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


def river_adjustment(regions, grid: xr.Dataset, river: xr.Dataset) -> xr.Dataset:
    """Per region, the river flux to move from an inversion's ocean to its land before comparing with models.

    Carbon that rivers carry from land to sea outgasses from the ocean: an atmospheric inversion sees it
    as ocean outgassing and as an equal land uptake, while a model's (or the GCB's) sinks exclude it
    (Regnier et al. 2022).  The GCB adjusts the inversions by the Lacroix et al. (2020) river flux before
    comparing; this does the same per region:

    * ``ocean``: the river outgassing over the region's ocean (the gridded flux aggregated with ocean
      attribution), to *subtract* from the inversions' ocean flux (positive = to the atmosphere);
    * ``land``: the same carbon on the land side, to *add* to the inversions' land flux — by latitude
      band (the GCB's split, which the grid reproduces: 0.14 / 0.42 / 0.09 Pg C/yr north / tropics /
      south of ±30°), shared among the band's land by land area (the land-side origin is not mapped finer).

    The two sum to the same global total (0.65 Pg C/yr), so net fluxes are unchanged globally.

    Parameters
    ----------
    regions
        The region set (:class:`mip.regions.RegionSet`).
    grid
        The grid the totals are on (``lat_bounds``, ``lon_bounds``, ``cell_area``).
    river
        The gridded river flux (:func:`mip.products.reccap2.read_river_flux`), canonical, positive up.

    Returns
    -------
    xarray.Dataset
        ``land`` and ``ocean`` (Pg C/yr, on ``region``, unattributed rows included), attrs stating the method.
    """
    from mip.budgets.aggregation import aggregate
    from mip.geometry.grid import same_grid
    from mip.regions import latitude_bands
    from mip.regions.natural_earth import land_fraction

    if not same_grid(river, grid):
        from mip.geometry.regrid import regrid

        river = regrid(river, grid)
    ocean = aggregate(river, regions, variables=["river"], surfaces={"river": "ocean"})["river"]
    bands = latitude_bands()
    split = aggregate(river, bands, variables=["river"], attribution="area")["river"]
    share = {str(b): float(split.sel(region=b)) for b in bands.names}
    lb, ob = np.asarray(grid["lat_bounds"].values, "f8"), np.asarray(grid["lon_bounds"].values, "f8")
    import scipy.sparse as sp

    area = np.asarray(grid["cell_area"].values, "f8").reshape(-1)
    lf = np.clip(np.asarray(land_fraction(lb, ob), "f8").reshape(-1), 0.0, 1.0)
    land_area = lf * area
    # each region's land in each cell: a land region's polygons are land; an "any" region holds its share of
    # the cell's land; an ocean region none
    frac = regions.fractions(grid).tocsr()
    surf = np.asarray(regions.region_surfaces)
    land_cells = sp.csr_matrix(frac.multiply(area[None, :]))
    any_cells = sp.csr_matrix(frac.multiply(land_area[None, :]))
    is_land, is_any = sp.diags((surf == "land").astype(float)), sp.diags((surf == "any").astype(float))
    region_land = is_land @ land_cells + is_any @ any_cells
    centre = np.repeat(lb.mean(axis=1), ob.shape[0])
    edges = {"south": (-90.0, -30.0), "tropics": (-30.0, 30.0), "north": (30.0, 90.0)}
    land = np.zeros(frac.shape[0])
    for b, (lo, hi) in edges.items():
        inband = (centre >= lo) & (centre < hi) if b != "north" else (centre >= lo)
        total = float(land_area[inband].sum())
        if total > 0:
            land += share[b] * np.asarray(region_land @ inband.astype(float)).ravel() / total
    names = list(ocean["region"].values)
    n = len(regions)
    land_all = np.concatenate([land, np.full(len(names) - n, np.nan)])
    # what no land region takes of the land side is the set's unattributed row
    for k, g in enumerate(regions.group_names):
        rows = [i for i, gg in enumerate(regions.region_groups) if gg == g]
        land_all[n + k] = sum(share.values()) - land[rows].sum() if len(regions.group_names) > 0 else 0.0
    out = xr.Dataset({"land": ("region", land_all), "ocean": ocean.drop_vars(
        [c for c in ocean.coords if c != "region"])}, coords={"region": names})
    out.attrs.update(units="Pg yr-1", method="river flux of Lacroix et al. (2020): over each region's ocean (subtract "
                     "from the inversions' ocean) and, by latitude band shared by land area, over its land (add to "
                     "the inversions' land), as the GCB adjusts inversions", total=float(sum(share.values())))
    return out


def apply_river_adjustment(totals: xr.Dataset, adjustment: xr.Dataset) -> xr.Dataset:
    """Regional totals of an inversion ensemble with the river flux moved from ocean to land (see :func:`river_adjustment`).

    ``land`` gains the adjustment's land part, ``ocean`` loses its ocean part, ``net`` both; other variables
    are unchanged.  Units must be those of the adjustment (Pg yr-1).
    """
    out = totals.copy()
    adj = adjustment.reindex(region=totals["region"].values)
    if "land" in out:
        out["land"] = (totals["land"] + adj["land"]).assign_attrs(totals["land"].attrs)
    if "ocean" in out:
        out["ocean"] = (totals["ocean"] - adj["ocean"]).assign_attrs(totals["ocean"].attrs)
    if "net" in out:
        out["net"] = (totals["net"] + adj["land"] - adj["ocean"]).assign_attrs(totals["net"].attrs)
    out.attrs["river_adjustment"] = adjustment.attrs["method"]
    return out

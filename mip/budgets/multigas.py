"""Three-gas CO2-equivalent budgets by region, on a stated basis, with every gas's members kept.

Given budgets of CO2, CH4 and/or N2O on the *same* regions and the *same* period (from any mix of
gridded ensembles aggregated with :func:`mip.aggregate` and published tables), each gas is put in
CO2-equivalent under GWP100 and GWP20 (IPCC AR6 WG1 Table 7.15, fossil vs non-fossil CH4 as in
:mod:`mip.budgets.gwp`), summed, and the regions are classified: which gas has the largest warming
effect under each metric, and how probable it is that CH4 outweighs CO2.

**Basis.** A GWP is an emission metric, so the default basis is ``"emissions"``: CO2 from fossil
fuels and land-use change, CH4 and N2O sources; a sink (the ocean's or the land's CO2 uptake, the
CH4 soil sink) is refused. ``"land NCE"`` is the net exchange over land (CO2 fossil + the land flux
of an inversion, CH4 sources minus the soil sink), for when that is the quantity asked for;
``"net flux"`` takes every component given (the ocean too). Each component is classified
(:data:`CO2_KIND`, :data:`mip.budgets.gwp.CH4_KIND`, :data:`N2O_KIND`) and the output says which
part of each gas is anthropogenic, natural or a net land flux.

**Members.** Each gas keeps its own ensemble (CO2 bookkeeping models or inversions, CH4 inversion
runs), each member with a weight (coordinate ``member_weight``, e.g. the GCP-CH4 rule of one weight
per group of runs) and a stated central statistic (``median`` or ``mean``). The probability that CH4
outweighs CO2 is computed exactly over every pair of a CH4 member and a CO2 member, each pair with
the product of their weights — what a Monte Carlo over members and runs converges to, without its
sampling noise. The gases' ensembles are taken as independent estimates.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr

from mip.conventions.units import total_factor
from mip.budgets.gwp import CH4_KIND, ch4_category, gwp_factor, refuse_totals_beside_parts
from mip.errors import MipError, MismatchError

__all__ = ["GASES", "HORIZONS", "BASES", "CO2_KIND", "N2O_KIND", "component_kind", "weighted_central",
           "co2eq_by_region", "co2eq_table", "co2eq_members_table"]

GASES = ("CO2", "CH4", "N2O")
HORIZONS = ("GWP100", "GWP20")
#: Each basis and what it takes.
BASES = {
    "emissions": "emissions: CO2 from fossil fuels and land-use change, CH4 and N2O sources (sinks and the ocean "
                 "flux excluded)",
    "land NCE": "net exchange over land: CO2 fossil + the land flux (NBE), CH4 sources minus the soil sink, N2O sources "
                "(the ocean excluded)",
    "net flux": "net surface flux: every component given, the ocean included",
}
#: CO2 components fluxmip knows and what each is.
CO2_KIND = {"fossil": "anthropogenic", "eluc": "anthropogenic", "land_use": "anthropogenic", "land": "net land",
            "nbe": "net land", "ocean": "net ocean", "net": "net surface"}
#: N2O components fluxmip knows (Tian et al. 2020's two totals) and what each is.
N2O_KIND = {"anthropogenic_sources": "anthropogenic", "natural_sources": "natural"}
#: The kinds of component each basis admits.
_ADMITS = {"emissions": {"anthropogenic", "natural"},
           "land NCE": {"anthropogenic", "natural", "net land", "sink"},
           "net flux": {"anthropogenic", "natural", "net land", "sink", "net ocean", "net surface"}}
_BASIS_OF = {"CO2": "C", "CH4": "CH4", "N2O": "N"}
ORIGINS = ("anthropogenic", "natural", "net land", "sink", "net ocean", "net surface")


def component_kind(gas: str, name: str) -> str:
    """What a component of a gas's budget is: anthropogenic, natural, a sink or a net flux.

    Parameters
    ----------
    gas
        ``"CO2"``, ``"CH4"`` or ``"N2O"``.
    name
        The component (variable) name.

    Returns
    -------
    str
        One of :data:`ORIGINS`.

    Raises
    ------
    MipError
        A name the gas's table does not know.

    Examples
    --------
    >>> component_kind("CO2", "eluc"), component_kind("CH4", "Wetlands"), component_kind("CH4", "soil_sink")
    ('anthropogenic', 'natural', 'sink')
    """
    if gas == "CH4":
        return CH4_KIND[ch4_category(name)]
    table = CO2_KIND if gas == "CO2" else N2O_KIND
    key = str(name).strip().lower()
    if key not in table:
        raise MipError(f"{gas} component {name!r}: not one fluxmip knows, so whether it is an emission cannot be "
                       f"told; known: {', '.join(table)}")
    return table[key]


def weighted_central(values: np.ndarray, weights: np.ndarray, stat: str) -> float:
    """Weighted median or mean of one member vector (NaN members and zero weights left out).

    The weighted median is the smallest value whose cumulative weight reaches one half, averaged with the
    next value when it reaches exactly one half (so equal weights give :func:`numpy.median`).

    Parameters
    ----------
    values, weights
        One value and one non-negative weight per member.
    stat
        ``"median"`` or ``"mean"``.

    Returns
    -------
    float
        NaN when no member has a value and a weight.

    Examples
    --------
    >>> weighted_central(np.array([1.0, 2.0, 10.0, 4.0]), np.ones(4), "median")
    3.0
    >>> weighted_central(np.array([1.0, 2.0, 10.0]), np.array([0.5, 0.25, 0.25]), "mean")
    3.5
    """
    ok = np.isfinite(values) & (weights > 0)
    if not ok.any():
        return float("nan")
    x, w = values[ok], weights[ok] / weights[ok].sum()
    if stat == "mean":
        return float(np.sum(w * x))
    if stat != "median":
        raise MipError(f"central statistic {stat!r}: expected 'median' or 'mean'")
    order = np.argsort(x, kind="stable")
    x, c = x[order], np.cumsum(w[order])
    k = int(np.searchsorted(c, 0.5 - 1e-12))
    if abs(c[k] - 0.5) <= 1e-12 and k + 1 < len(x):
        return float((x[k] + x[k + 1]) / 2)
    return float(x[k])


def _member_dim(ds: xr.Dataset, gas: str, member_dim: str | Mapping[str, str] | None) -> str | None:
    extra = [d for d in ds.dims if d != "region"]
    want = member_dim.get(gas) if isinstance(member_dim, Mapping) else member_dim
    if "region" not in ds.dims or len(extra) > 1 or (want is not None and extra and extra != [want]):
        raise MipError(f"{gas} budget: dims {tuple(ds.dims)}, expected ('region',) and at most one member dim"
                         + (f" ({want!r})" if want else "") + "; select one period/experiment first")
    return extra[0] if extra else None


def _weights(ds: xr.Dataset, mdim: str | None, regions: list[str], gas: str) -> np.ndarray:
    """(member, region) weights, from the ``member_weight`` coordinate or equal."""
    n = ds.sizes[mdim] if mdim else 1
    if "member_weight" not in ds.coords:
        return np.ones((n, len(regions)))
    w = ds["member_weight"]
    if mdim:
        w = w.expand_dims({mdim: ds[mdim].values}) if mdim not in w.dims else w
    w = (w.sel(region=regions) if "region" in w.dims else w.expand_dims(region=regions)).astype(float)
    arr = w.transpose(*([mdim] if mdim else []), "region").values.reshape(n, len(regions))
    if not np.all(np.isfinite(arr)) or (arr < 0).any():
        raise MipError(f"{gas} budget: member_weight must be finite and non-negative")
    return arr


def _check_same(budgets: Mapping[str, xr.Dataset], allow_different_periods: bool) -> tuple[list[str], str]:
    gases = list(budgets)
    ref = gases[0]
    regions = list(map(str, budgets[ref].region.values))
    for g in gases[1:]:
        other = list(map(str, budgets[g].region.values))
        if set(other) != set(regions):
            raise MismatchError(f"gases on different regions: {ref} has {sorted(set(regions) - set(other)) or 'no other'} "
                                f"that {g} lacks, {g} has {sorted(set(other) - set(regions)) or 'no other'} that "
                                f"{ref} lacks; put every gas on the same region set")
    periods = {g: budgets[g].attrs.get("period") for g in gases}
    missing = [g for g, p in periods.items() if p is None]
    if missing and not allow_different_periods:
        raise MismatchError(f"{', '.join(missing)} budget has no attrs['period']; state the period of every gas "
                            "(e.g. ds.attrs['period'] = '2017')")
    if len({str(p) for p in periods.values()}) > 1 and not allow_different_periods:
        raise MismatchError("gases on different periods: " + ", ".join(f"{g} {p}" for g, p in periods.items())
                            + "; select the same period, or pass allow_different_periods=True to compare them anyway")
    period = " / ".join(f"{g} {p}" for g, p in periods.items()) if len({str(p) for p in periods.values()}) > 1 \
        else str(periods[ref])
    return regions, period


class _Gas:
    """One gas's members in CO2-eq: per component, per origin and in total, (member, region, horizon)."""

    def __init__(self, gas: str, ds: xr.Dataset, regions: list[str], basis: str,
                 member_dim: str | Mapping[str, str] | None, central: str) -> None:
        self.gas, self.central = gas, central
        self.mdim = _member_dim(ds, gas, member_dim)
        ds = ds.sel(region=regions)
        refuse_totals_beside_parts(list(ds.data_vars), f"{gas} budget")
        self.members = [str(m) for m in ds[self.mdim].values] if self.mdim else ["(one estimate)"]
        self.label = ds[self.mdim].attrs.get("long_name", f"{self.mdim!r} members") if self.mdim else ""
        self.weighting = ds.attrs.get("member_weighting")
        self.weights = _weights(ds, self.mdim, regions, gas)
        shape = (len(self.members), len(regions), len(HORIZONS))
        self.comp: dict[str, np.ndarray] = {}
        self.origin = {o: np.zeros(shape) for o in ORIGINS}
        self.kinds: dict[str, str] = {}
        for v, da in ds.data_vars.items():
            kind = component_kind(gas, str(v))
            if kind not in _ADMITS[basis]:
                why = ("a GWP is an emission metric: a sink or the ocean flux is not an emission" if basis == "emissions"
                       else "the ocean is not part of the exchange over land")
                raise MismatchError(f"{gas} budget, variable {v!r} ({kind}): not part of the basis {basis!r} "
                                    f"({BASES[basis]}); {why}. Leave it out, or choose basis='net flux' and say so")
            scale = total_factor(da.attrs.get("units"), "Tg yr-1",
                                 what=f"{gas} budget, variable {v!r} (of {_BASIS_OF[gas]})")
            f = np.array([scale * gwp_factor(gas, str(v) if gas == "CH4" else None, h) for h in HORIZONS])
            x = da.astype(float).transpose(*([self.mdim] if self.mdim else []), "region").values
            eq = x.reshape(len(self.members), len(regions))[..., None] * f
            self.comp[str(v)], self.kinds[str(v)] = eq, kind
            self.origin[kind] = self.origin[kind] + eq
        self.total = sum(self.comp.values())
        valid = np.isfinite(self.total).all(axis=2)
        self.left_out = [[self.members[i] for i in range(len(self.members)) if not valid[i, r] and self.weights[i, r] > 0]
                         for r in range(len(regions))]
        self.weights = np.where(valid, self.weights, 0.0)
        if (self.weights.sum(axis=0) == 0).any():
            bad = [regions[r] for r in np.nonzero(self.weights.sum(axis=0) == 0)[0]]
            raise MismatchError(f"{gas} budget: no member with a value (and a weight) in {bad}")
        self.w = self.weights / self.weights.sum(axis=0)

    def stat(self, arr: np.ndarray, how: str | None = None) -> np.ndarray:
        """(region, horizon) central (or ``min``/``max``) over the members."""
        how = how or self.central
        out = np.empty(arr.shape[1:])
        for r in range(arr.shape[1]):
            for h in range(arr.shape[2]):
                x, w = arr[:, r, h], self.w[:, r]
                if how in ("min", "max"):
                    sel = x[w > 0]
                    out[r, h] = sel.min() if how == "min" else sel.max()
                else:
                    out[r, h] = weighted_central(x, w, how)
        return out

    def describe(self) -> str:
        if not self.mdim:
            return "one estimate"
        equal = np.allclose(self.weights[self.weights > 0], self.weights[self.weights > 0].flat[0])
        how = self.weighting or ("equal weights" if equal else "weighted by member_weight")
        return f"{self.central} of {len(self.members)} {self.label} ({how})"


def _p_over(a: _Gas, b: _Gas, arr_a: np.ndarray, arr_b: np.ndarray, gwp20_only: bool) -> np.ndarray:
    """P(a > b) per region (and horizon unless ``gwp20_only``), exact over every weighted pair of members."""
    nr = arr_a.shape[1]
    out = np.empty(nr if gwp20_only else (nr, len(HORIZONS)))
    for r in range(nr):
        pw = np.outer(a.w[:, r], b.w[:, r])
        over = arr_a[:, None, r, :] > arr_b[None, :, r, :]  # (ma, mb, horizon)
        if gwp20_only:
            out[r] = np.sum(pw * (over[..., 1] & ~over[..., 0]))
        else:
            out[r] = np.einsum("ij,ijh->h", pw, over)
    return np.clip(out, 0.0, 1.0)  # the weights sum to 1 within rounding


def co2eq_by_region(budgets: Mapping[str, xr.Dataset], *, basis: str = "emissions",
                    central: str | Mapping[str, str] = "median", member_dim: str | Mapping[str, str] | None = None,
                    allow_different_periods: bool = False) -> xr.Dataset:
    """CO2-equivalent of each gas per region under GWP100 and GWP20, on a stated basis, with member spread.

    Parameters
    ----------
    budgets
        ``{"CO2": ds, "CH4": ds, "N2O": ds}`` (any subset of at least two gases). Each dataset has a
        ``region`` dim and at most one member dim (its own: models, runs, bookkeeping models), one
        variable per component (CH4: per category, so that fossil and non-fossil CH4 get their own
        GWP; CO2: ``fossil``, ``eluc``, ``land``, ...; N2O: ``anthropogenic_sources``,
        ``natural_sources``), units ``Pg yr-1`` or ``Tg yr-1`` of the gas's reporting basis (CO2 as C,
        CH4 as CH4, N2O as N), signed as fluxes to the atmosphere, and ``attrs["period"]``. An
        optional coordinate ``member_weight`` (member, [region]) weights the members (stated from
        ``attrs["member_weighting"]``); the member coordinate's ``long_name`` names them.
    basis
        One of :data:`BASES`; a component outside it is refused.
    central
        ``"median"`` or ``"mean"`` (weighted), for every gas or per gas (``{"CH4": "mean"}``; the
        others ``median``).
    member_dim
        The member dim of each gas (a name or ``{gas: name}``); default: the dataset's one non-region dim.
    allow_different_periods
        Compare gases whose ``period`` differs (recorded in the output's ``period`` attribute);
        otherwise that is an error.

    Returns
    -------
    xarray.Dataset
        In ``Tg CO2-eq yr-1``: ``co2eq`` (region, gas, horizon), the central member value of each
        gas's total (not a sum of component centrals); ``co2eq_min``/``co2eq_max`` over the members;
        ``by_origin`` (region, gas, origin, horizon) the central value of each gas's anthropogenic,
        natural, ... part; ``component`` (region, gas_component, horizon); ``total`` (region,
        horizon, the sum of the gases' central values); ``dominant`` (the gas with the largest central
        CO2-eq); ``n_members`` and ``left_out`` (region, gas: members without a value, named). With CO2
        and CH4: ``p_ch4_over_co2`` (region, horizon) and ``p_ch4_over_co2_gwp20_only`` (region), the
        probabilities over every weighted pair of members; ``p_ch4_anthropogenic_over_co2`` (region,
        horizon) compares CH4's anthropogenic part (NaN where CO2 has a net land or ocean flux, which
        has no anthropogenic part to compare).

    Raises
    ------
    MismatchError
        Gases on different regions or periods, a component outside the basis.
    MipError
        A component a gas's table does not know.
    ValueError
        Fewer than two gases, an unknown gas, wrong units.

    Examples
    --------
    >>> import xarray as xr
    >>> co2 = xr.Dataset({"fossil": ("bookkeeping", [0.1, 0.2])}, coords={"bookkeeping": ["a", "b"]})
    >>> co2 = co2.expand_dims(region=["A"]); co2["fossil"].attrs["units"] = "Pg yr-1"; co2.attrs["period"] = "2017"
    >>> ch4 = xr.Dataset({"wetlands": ("region", [5.0])}, coords={"region": ["A"]})
    >>> ch4["wetlands"].attrs["units"] = "Tg yr-1"; ch4.attrs["period"] = "2017"
    >>> out = co2eq_by_region({"CO2": co2, "CH4": ch4})
    >>> round(float(out.co2eq.sel(region="A", gas="CH4", horizon="GWP20")), 1)  # 5 Tg × 79.7
    398.5
    >>> float(out.p_ch4_over_co2_gwp20_only.sel(region="A"))  # 0.1 Pg C = 366 Tg CO2 below 398, 0.2 above
    0.5
    """
    unknown = [g for g in budgets if g not in GASES]
    if unknown:
        raise MipError(f"unknown gas {unknown}; expected some of {list(GASES)}")
    if len(budgets) < 2:
        raise MipError(f"a multi-gas summary needs at least two gases, got {list(budgets)}")
    if basis not in BASES:
        raise MipError(f"basis {basis!r}: expected one of {list(BASES)}")
    dss = {g: ds if isinstance(ds, xr.Dataset) else ds.to_dataset(name=g) for g, ds in budgets.items()}
    for g, ds in dss.items():
        _member_dim(ds, g, member_dim)
    regions, period = _check_same(dss, allow_different_periods)
    gases = [g for g in GASES if g in dss]
    stats = {g: (central.get(g, "median") if isinstance(central, Mapping) else central) for g in gases}
    G = {g: _Gas(g, dss[g], regions, basis, member_dim, stats[g]) for g in gases}
    units = "Tg CO2-eq yr-1"
    comp_names = [f"{g} {v}" for g in gases for v in G[g].comp]
    out = xr.Dataset(coords={"region": regions, "gas": gases, "horizon": list(HORIZONS), "origin": list(ORIGINS),
                             "gas_component": comp_names})
    out["co2eq"] = (("region", "gas", "horizon"), np.stack([G[g].stat(G[g].total) for g in gases], 1), {"units": units})
    for how in ("min", "max"):
        out[f"co2eq_{how}"] = (("region", "gas", "horizon"), np.stack([G[g].stat(G[g].total, how) for g in gases], 1),
                               {"units": units})
    out["by_origin"] = (("region", "gas", "origin", "horizon"),
                        np.stack([np.stack([G[g].stat(G[g].origin[o]) for o in ORIGINS], 1) for g in gases], 1),
                        {"units": units})
    out["component"] = (("region", "gas_component", "horizon"),
                        np.stack([G[g].stat(c) for g in gases for c in G[g].comp.values()], 1), {"units": units})
    out["total"] = out.co2eq.sum("gas").assign_attrs(units=units)
    out["dominant"] = (("region", "horizon"), np.asarray(gases)[out.co2eq.transpose("region", "gas", "horizon")
                                                                 .values.argmax(axis=1)])
    out["n_members"] = (("region", "gas"), np.array([[int((G[g].w[:, r] > 0).sum()) for g in gases]
                                                     for r in range(len(regions))]))
    out["left_out"] = (("region", "gas"), np.array([[", ".join(G[g].left_out[r]) for g in gases]
                                                    for r in range(len(regions))], dtype=object))
    if "CH4" in G and "CO2" in G:
        c, m = G["CO2"], G["CH4"]
        out["p_ch4_over_co2"] = (("region", "horizon"), _p_over(m, c, m.total, c.total, False))
        out["p_ch4_over_co2_gwp20_only"] = (("region",), _p_over(m, c, m.total, c.total, True))
        mixed = any(k not in ("anthropogenic", "natural") for k in c.kinds.values())
        p_anth = np.full((len(regions), len(HORIZONS)), np.nan) if mixed else \
            _p_over(m, c, m.origin["anthropogenic"], c.origin["anthropogenic"], False)
        out["p_ch4_anthropogenic_over_co2"] = (("region", "horizon"), p_anth)
    out.attrs.update(period=period, basis=basis, basis_text=BASES[basis], gwp_source="IPCC AR6 WG1 Table 7.15",
                     members="; ".join(f"{g}: {G[g].describe()}" for g in gases),
                     central="; ".join(f"{g}: {stats[g] if G[g].mdim else 'as given'}" for g in gases),
                     sign="positive = to the atmosphere; the dominant gas has the largest (signed) CO2-equivalent",
                     probability="exact over every pair of a CH4 member and a CO2 member, weighted by the product "
                                 "of their weights (the ensembles taken as independent)")
    return out


def co2eq_table(result: xr.Dataset) -> pd.DataFrame:
    """One row per region: each gas's central value under GWP100 and GWP20, totals, dominant gas, probabilities.

    Parameters
    ----------
    result
        Output of :func:`co2eq_by_region`.

    Returns
    -------
    pandas.DataFrame
        Columns ``region``, ``<gas> GWP100`` …, ``total GWP100``, ``total GWP20`` (Tg CO2-eq/yr),
        ``dominant GWP100``, ``dominant GWP20``, and with CO2 and CH4: ``P(CH4 > CO2) GWP100``,
        ``P(CH4 > CO2) GWP20``, ``P(CH4 > CO2 under GWP20 only)``.
    """
    rows = []
    for r in result.region.values:
        row: dict[str, object] = {"region": str(r)}
        for h in HORIZONS:
            for g in result.gas.values:
                row[f"{g} {h}"] = float(result.co2eq.sel(region=r, gas=g, horizon=h))
        for h in HORIZONS:
            row[f"total {h}"] = float(result.total.sel(region=r, horizon=h))
        for h in HORIZONS:
            row[f"dominant {h}"] = str(result.dominant.sel(region=r, horizon=h).values)
        if "p_ch4_over_co2" in result:
            for h in HORIZONS:
                row[f"P(CH4 > CO2) {h}"] = float(result.p_ch4_over_co2.sel(region=r, horizon=h))
            row["P(CH4 > CO2 under GWP20 only)"] = float(result.p_ch4_over_co2_gwp20_only.sel(region=r))
        rows.append(row)
    return pd.DataFrame(rows)


def co2eq_members_table(result: xr.Dataset, horizon: str = "GWP100") -> pd.DataFrame:
    """One row per region and gas: members, central value, range and the anthropogenic / natural parts.

    Parameters
    ----------
    result
        Output of :func:`co2eq_by_region`.
    horizon
        ``"GWP100"`` or ``"GWP20"``.

    Returns
    -------
    pandas.DataFrame
        ``region, gas, members, central, min, max`` and one column per origin present (Tg CO2-eq/yr),
        ``left out`` (members without a value).
    """
    present = [o for o in result.origin.values
               if bool((np.abs(result.by_origin.sel(origin=o, horizon=horizon)) > 0).any())]
    rows = []
    for r in result.region.values:
        for g in result.gas.values:
            s = {"region": str(r), "gas": str(g), "members": int(result.n_members.sel(region=r, gas=g)),
                 "central": float(result.co2eq.sel(region=r, gas=g, horizon=horizon)),
                 "min": float(result.co2eq_min.sel(region=r, gas=g, horizon=horizon)),
                 "max": float(result.co2eq_max.sel(region=r, gas=g, horizon=horizon))}
            for o in present:
                s[str(o)] = float(result.by_origin.sel(region=r, gas=g, origin=o, horizon=horizon))
            s["left out"] = str(result.left_out.sel(region=r, gas=g).values) or "none"
            rows.append(s)
    return pd.DataFrame(rows)

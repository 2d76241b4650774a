"""The three-gas CO2-equivalent tables of the stocktake, each on a stated basis, from the bundled real data.

- **Countries** (emissions basis, default): CO2 = the GCB 2023 national territorial fossil emissions +
  each bookkeeping model's land-use-change emissions (BLUE, H&C2023, OSCAR: three members, their mean
  as the GCB takes it); CH4 = the GCP-CH4 2020 top-down sources per inversion run (Saunois et al. 2020),
  natural and anthropogenic stated, the soil sink left out (a sink is not an emission). With
  ``co2="ceos"`` the CO2 is the CEOS pilot's NBE + fossil instead, on the net-land-exchange basis.
- **Latitude bands** (net exchange over land, stated): CO2 = the v10 MIP members' fossil + land flux
  (their land NCE; the ocean left out), CH4 = the GCP-CH4 top-down sources minus the soil sink per run.
  No inventory of land-use emissions exists per latitude band, so the inversions' land NCE is the
  quantity asked for there.
- **Global** (emissions basis): CO2 = the GCB World fossil row + each bookkeeping model's global ELUC,
  CH4 = the GCP-CH4 top-down sources, both 2008–2017; N2O = Tian et al. (2020) bottom-up sources,
  2007–2016 (the period differs and is stated).

The CH4 runs are weighted as the GCP-CH4 budget weights them (``weighting="groups"``: one weight per
group of runs, Saunois et al. 2020's rule 1, so the weighted mean is the published mean) or each run
once (``"each-run"``); the choice is stated in every output.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import xarray as xr

from mip.errors import MipError, MismatchError

__all__ = ["GCP_CH4_BANDS", "GCP_CH4_COUNTRIES", "CH4_PARTS", "CH4_WEIGHTINGS", "ch4_topdown_runs",
           "co2_gcb_national_on", "co2_v10mip_on", "co2_ceos_on", "three_gas_countries", "three_gas_bands", "three_gas_global"]

#: GCP-CH4 latitude regions as sums of the v10 MIP 10° bands (exact: both are bounded at 30°N and 60°N).
GCP_CH4_BANDS = {"GLOBAL": slice(0, 18), "<30°N": slice(0, 12), "30°N-60°N": slice(12, 15), "60°N-90°N": slice(15, 18)}
#: GCP-CH4 regions that are countries (Korea and Japan together) → their ISO alpha-3 codes.
GCP_CH4_COUNTRIES = {"USA": ("USA",), "Canada": ("CAN",), "Brazil": ("BRA",), "China": ("CHN",),
                     "Russia": ("RUS",), "Korean Japan": ("KOR", "JPN")}
#: TD source categories of the workbook (their sum is each run's natural + anthropogenic total).
CH4_PARTS = ("wetlands", "other_natural", "agriculture_waste", "fossil", "biomass_biofuel_burning")
CH4_WEIGHTINGS = {"groups": "one weight per group of runs, as Saunois et al. 2020 average groups first",
                  "each-run": "each run once"}


def ch4_topdown_runs(period: str, regions: list[str], *, weighting: str = "groups", include_sink: bool = False,
                     workbook: str | Path | None = None) -> xr.Dataset:
    """Every GCP-CH4 top-down run's sources per category and region, with the run weights, as fluxes to the atmosphere.

    Parameters
    ----------
    period
        ``"2000-2009"``, ``"2008-2017"`` or ``"2017"``.
    regions
        Regions of the workbook.
    weighting
        ``"groups"`` or ``"each-run"`` (:data:`CH4_WEIGHTINGS`).
    include_sink
        Add the soil sink (negative) as ``soil_sink``.
    workbook
        The workbook (default the bundled one).

    Returns
    -------
    xarray.Dataset
        One variable per category (``Tg yr-1`` of CH4) on (run, region), runs with a value in the period
        only; coordinate ``member_weight`` (run, region), zero where a run has no value in a region;
        ``attrs``: period, source, weighting.
    """
    from mip.budgets.ch4 import saunois2020_group
    from mip.tables.gcp_ch4_workbook import read_workbook

    if weighting not in CH4_WEIGHTINGS:
        raise MipError(f"CH4 run weighting {weighting!r}: expected one of {list(CH4_WEIGHTINGS)}")
    td = read_workbook(workbook, approach="TD")
    if period not in td.period.values:
        raise MismatchError(f"CH4: the GCP-CH4 workbook has no period {period!r}; it has "
                            f"{', '.join(map(str, td.period.values))}")
    missing = [r for r in regions if r not in td.region.values]
    if missing:
        raise MismatchError(f"CH4: the GCP-CH4 workbook has no region {missing}")
    cats = list(CH4_PARTS) + (["soil_sink"] if include_sink else [])
    t = td[cats].sel(period=period, region=regions).drop_vars("period").rename(model="run")
    some = t.to_array().notnull().any(("variable", "region")).values
    absent = [str(r) for r in t.run.values[~some]]
    t = t.isel(run=np.nonzero(some)[0])
    if include_sink:
        t["soil_sink"] = -t["soil_sink"]
    has = t.to_array().notnull().all("variable")  # (run, region): a run counts where every category has a value
    if weighting == "groups":
        grp = xr.DataArray([saunois2020_group(str(r)) for r in t.run.values], dims="run", coords={"run": t.run})
        per_group = has.groupby(grp).sum("run")  # runs with a value in each group and region
        n_groups = (per_group > 0).sum("group")
        w = xr.where(has, 1.0 / (per_group.sel(group=grp).drop_vars("group") * n_groups), 0.0)
    else:
        w = xr.where(has, 1.0 / has.sum("run"), 0.0)
    for v in cats:
        t[v].attrs.update(units="Tg yr-1", reported_as="CH4")
    t = t.assign_coords(member_weight=w.transpose("run", "region"))
    t.run.attrs["long_name"] = "inversion runs"
    t.attrs = {"period": period, "weighting": weighting, "member_weighting": CH4_WEIGHTINGS[weighting],
               "source": f"GCP-CH4 2020 top-down, {period} (Saunois et al. 2020), {t.sizes['run']} runs weighted "
                         f"{CH4_WEIGHTINGS[weighting]}"
                         + (f" ({len(absent)} runs of the workbook have no value for {period}: {', '.join(absent)})"
                            if absent else "")}
    return t


def co2_gcb_national_on(regions: dict[str, tuple[str, ...]], period: int | tuple[int, int]) -> xr.Dataset:
    """GCB 2023 national fossil + land-use-change emissions (bundled subset) summed into regions of countries.

    Parameters
    ----------
    regions
        Region name → ISO alpha-3 codes it sums (``WLD``: the World rows).
    period
        A year, or (first, last) years averaged.

    Returns
    -------
    xarray.Dataset
        ``fossil`` and ``eluc`` (Tg C/yr, ``Tg yr-1``) on (bookkeeping, region): the fossil is the same
        in each member, the ELUC that of each bookkeeping model; ``attrs["period"]``.
    """
    from mip.tables.gcb_national import read_national_subset

    nat = read_national_subset()
    a, b = (period, period) if isinstance(period, int) else period
    years = nat.year.values
    if a < years.min() or b > years.max() or a > b:
        raise MismatchError(f"CO2: the bundled GCB 2023 national emissions cover {years.min()}-{years.max()}; "
                            f"asked for {a}-{b}")
    codes = [c for cs in regions.values() for c in cs]
    unknown = [c for c in codes if c not in nat.country.values]
    if unknown:
        raise MismatchError(f"CO2: no GCB national rows for {unknown} in the bundled subset "
                            f"({', '.join(map(str, nat.country.values))})")
    m = nat.sel(year=slice(a, b)).mean("year")
    parts = [m.sel(country=list(cs)).sum("country").expand_dims(region=[name]) for name, cs in regions.items()]
    out = xr.concat(parts, "region").rename(model="bookkeeping")
    out["fossil"] = out.fossil.broadcast_like(out.eluc)
    out.bookkeeping.attrs["long_name"] = "bookkeeping models"
    for v in out.data_vars:
        out[v].attrs.update(units="Tg yr-1", reported_as="C")
    label = f"{a}" if a == b else f"{a}-{b}"
    out.attrs = {"period": label, "source": f"GCB 2023 national territorial fossil + land-use-change emissions of "
                                            f"{out.sizes['bookkeeping']} bookkeeping models "
                                            f"({', '.join(map(str, out.bookkeeping.values))}), {label} "
                                            "(Friedlingstein et al. 2023); the fossil is one estimate in every "
                                            "member (its uncertainty is not sampled)"}
    return out


def co2_v10mip_on(regions: dict[str, slice], year: int, experiment: str = "LNLGIS") -> xr.Dataset:
    """The v10 MIP members' land, ocean and fossil CO2 of one calendar year, summed into latitude regions.

    Parameters
    ----------
    regions
        Region name → slice of the 18 10° bands (south to north).
    year
        2015 … 2020.
    experiment
        v10 MIP experiment.

    Returns
    -------
    xarray.Dataset
        ``land``, ``ocean``, ``fossil`` (Pg C/yr) on (model, region), members with data only;
        ``attrs["period"]``.
    """
    from mip.tables.v10mip_zonal import bundled_annual

    from mip.errors import MismatchError

    ann = bundled_annual()[["land", "ocean", "fossil"]]
    if experiment not in ann.experiment.values or year not in ann.year.values:
        raise MismatchError(f"CO2: the v10 MIP table has experiments {', '.join(map(str, ann.experiment.values))} "
                            f"and years {int(ann.year.min())}-{int(ann.year.max())}; asked for {experiment} {year}")
    ann = ann.sel(experiment=experiment, year=year)
    ann = ann.dropna("model", how="all", subset=["land"])
    parts = [ann.isel(region=s).sum("region", skipna=False).expand_dims(region=[name]) for name, s in regions.items()]
    out = xr.concat(parts, "region")
    for v in out.data_vars:
        out[v].attrs.update(units="Pg yr-1", reported_as="C")
    out.attrs.update(period=str(year), source=f"OCO-2 v10 MIP {experiment} (Stephens et al. 2026), {year}")
    return out


def co2_ceos_on(regions: dict[str, tuple[str, ...]], year: int, experiment: str = "LNLGIS",
                path: str | Path | None = None) -> xr.Dataset:
    """CEOS pilot national CO2 (NBE and fossil, Byrne et al. 2023) of one year, summed into regions of countries.

    Parameters
    ----------
    regions
        Region name → ISO alpha-3 codes it sums.
    year
        2015 … 2020.
    experiment
        v10 MIP experiment of the NBE.
    path
        The CEOS country file (default the bundled subset).

    Returns
    -------
    xarray.Dataset
        ``NBE`` and ``fossil`` (Tg C/yr, ``Tg yr-1``) on ``region``; ``attrs["period"]``. The NBE is
        the file's ensemble median of each country; a region of several countries sums them.
    """
    from mip.errors import InputError
    from mip.products.ceos import read_ceos_countries

    path = Path(path) if path else Path(str(resources.files("mip") / "data" / "ceos-pilot-2023"
                                             / "pilot_topdown_CO2_Budget_countries_v1.csv"))
    from mip.errors import MismatchError

    ds = read_ceos_countries(path)
    if experiment not in ds.experiment.values or year not in ds.year.values:
        raise MismatchError(f"CO2: {path} has experiments {', '.join(map(str, ds.experiment.values))} and years "
                            f"{int(ds.year.min())}-{int(ds.year.max())}; asked for {experiment} {year}")
    codes = [c for cs in regions.values() for c in cs]
    unknown = [c for c in codes if c not in ds.country.values]
    if unknown:
        raise InputError(path, "Alpha 3 Code", f"no rows for {unknown}", "every country of the regions")
    sel = ds.sel(year=year)
    nbe = [float(sel.NBE.sel(experiment=experiment, country=list(cs)).sum()) for cs in regions.values()]
    ff = [float(sel.FF.sel(country=list(cs)).sum()) for cs in regions.values()]
    attrs = {"units": "Tg yr-1", "reported_as": "C"}
    out = xr.Dataset({"NBE": ("region", nbe, attrs), "fossil": ("region", ff, attrs)}, coords={"region": list(regions)})
    out.attrs.update(period=str(year), source=f"CEOS pilot national CO2 budgets, {experiment} NBE + FF, {year} "
                                              "(Byrne et al. 2023)")
    return out


def three_gas_countries(year: int = 2017, *, co2: str = "gcb", weighting: str = "groups", experiment: str = "LNLGIS",
                        ceos: str | Path | None = None) -> xr.Dataset:
    """CO2 and CH4 of one year in CO2-eq for the countries the GCP-CH4 workbook reports on their own.

    Parameters
    ----------
    year
        The year (2017: the GCP-CH4 2020 budget's own year).
    co2
        ``"gcb"`` (emissions: national fossil + land-use change) or ``"ceos"`` (the CEOS pilot's NBE + fossil,
        i.e. the net exchange over land; then CH4 includes its soil sink).
    weighting
        CH4 run weighting (:data:`CH4_WEIGHTINGS`).
    experiment
        v10 MIP experiment of the CEOS NBE.
    ceos
        The CEOS country file (default the bundled subset).

    Returns
    -------
    xarray.Dataset
        From :func:`mip.budgets.multigas.co2eq_by_region`, with ``attrs["sources"]``.
    """
    from mip.budgets.multigas import co2eq_by_region

    if co2 == "gcb":
        c = co2_gcb_national_on(GCP_CH4_COUNTRIES, year)
        basis, stat = "emissions", "mean"
    elif co2 == "ceos":
        c = co2_ceos_on(GCP_CH4_COUNTRIES, year, experiment, ceos)
        basis, stat = "land NCE", "median"
        c = c.rename(NBE="land")
    else:
        raise MipError(f"co2={co2!r}: expected 'gcb' or 'ceos'")
    m = ch4_topdown_runs(str(year), list(GCP_CH4_COUNTRIES), weighting=weighting, include_sink=basis == "land NCE")
    out = co2eq_by_region({"CO2": c, "CH4": m}, basis=basis, central={"CO2": stat, "CH4": "mean"})
    out.attrs["sources"] = f"{c.attrs['source']}; {m.attrs['source']}"
    return out


def three_gas_bands(year: int = 2017, experiment: str = "LNLGIS", *, weighting: str = "groups") -> xr.Dataset:
    """CO2 (v10 MIP land NCE) and CH4 (GCP-CH4 sources minus soil sink) of one year on the GCP-CH4 latitude bands.

    Parameters
    ----------
    year
        The year both cover (the GCP-CH4 2020 budget gives 2017 as its own period).
    experiment
        v10 MIP experiment.
    weighting
        CH4 run weighting (:data:`CH4_WEIGHTINGS`).

    Returns
    -------
    xarray.Dataset
        From :func:`mip.budgets.multigas.co2eq_by_region` on the ``"land NCE"`` basis.
    """
    from mip.budgets.multigas import co2eq_by_region

    c = co2_v10mip_on(GCP_CH4_BANDS, year, experiment)[["fossil", "land"]]
    c.model.attrs["long_name"] = "v10 MIP models"
    m = ch4_topdown_runs(str(year), list(GCP_CH4_BANDS), weighting=weighting, include_sink=True)
    out = co2eq_by_region({"CO2": c, "CH4": m}, basis="land NCE", central={"CO2": "median", "CH4": "mean"})
    out.attrs["sources"] = (f"{c.attrs['source']} (fossil + land, the ocean left out); {m.attrs['source']}, "
                            "soil sink included")
    return out


def three_gas_global(*, weighting: str = "groups", period: tuple[int, int] = (2008, 2017)) -> xr.Dataset:
    """Global CO2, CH4 and N2O emissions in CO2-eq (CO2 and CH4 of one decade; N2O of Tian et al.'s 2007–2016).

    Parameters
    ----------
    weighting
        CH4 run weighting (:data:`CH4_WEIGHTINGS`).
    period
        The CO2 and CH4 decade; the GCP-CH4 workbook has 2000-2009 and 2008-2017.

    Returns
    -------
    xarray.Dataset
        From :func:`mip.budgets.multigas.co2eq_by_region` on the ``"emissions"`` basis (periods differ:
        stated in ``attrs["period"]``).
    """
    from mip.budgets.multigas import co2eq_by_region
    from mip.tables.tian2020_n2o import n2o_sources

    c = co2_gcb_national_on({"GLOBAL": ("WLD",)}, period)
    m = ch4_topdown_runs(f"{period[0]}-{period[1]}", ["GLOBAL"], weighting=weighting)
    n = n2o_sources()
    out = co2eq_by_region({"CO2": c, "CH4": m, "N2O": n}, basis="emissions", central={"CO2": "mean", "CH4": "mean"},
                          allow_different_periods=True)
    out.attrs["sources"] = (f"{c.attrs['source']} (World row: fossil incl. bunkers); {m.attrs['source']}; "
                            f"{n.attrs['source']}")
    return out

"""Synthetic sample data written in exactly the published layouts (clearly labelled).

The OCO-2-MIP-like sample has a few models × experiments × 12 months on the 1° grid,
with realistic global magnitudes (land ≈ −1.5 and ocean ≈ −2.5 Pg C/yr), a seasonal
cycle and a spatial pattern.  Each model's annual global totals are prescribed
exactly (:data:`SAMPLE_TOTALS`), which the tests use as known answers.  Every file
says ``synthetic = "true"`` in its attributes.
"""

from __future__ import annotations

import calendar
from pathlib import Path

import numpy as np
import xarray as xr
import yaml

from mip.grid import cell_area, centre_bounds
from mip.io import atomic_write

__all__ = ["SAMPLE_TOTALS", "SAMPLE_MODELS", "SAMPLE_EXPERIMENTS", "write_oco2mip_sample", "land_fraction_1deg"]

SAMPLE_MODELS = ("Ames", "CAMS", "LoFI", "WOMBAT")
SAMPLE_EXPERIMENTS = ("IS", "LNLG")
#: (model, experiment) → (land, ocean) annual global totals in Pg C/yr, time-weighted by days.
SAMPLE_TOTALS: dict[tuple[str, str], tuple[float, float]] = {
    (m, e): (round(-1.5 + dl + (0.15 if e == "LNLG" else 0.0), 6), round(-2.5 + do, 6))
    for m, dl, do in zip(SAMPLE_MODELS, (0.3, 0.0, -0.4, 0.1), (0.1, -0.1, 0.0, 0.2))
    for e in SAMPLE_EXPERIMENTS
}
SYNTHETIC_NOTE = ("SYNTHETIC sample written by mip.sample in the OCO-2 v10 MIP file layout; "
                  "not real inversion output")


def land_fraction_1deg() -> np.ndarray:
    """Land fraction of each 1° cell: the exact coverage of the bundled Natural Earth country polygons.

    Returns
    -------
    numpy.ndarray
        Shape (180, 360), latitude ascending from −89.5, longitude from −179.5.
    """
    from mip.regions.natural_earth import land_fraction

    edges_lat, edges_lon = np.arange(-90.0, 91.0), np.arange(-180.0, 181.0)
    lb = np.stack([edges_lat[:-1], edges_lat[1:]], axis=1)
    ob = np.stack([edges_lon[:-1], edges_lon[1:]], axis=1)
    return land_fraction(lb, ob).reshape(180, 360)


def _fields(land_total: float, ocean_total: float, frac: np.ndarray, area: np.ndarray,
            days: np.ndarray, lat: np.ndarray, lon: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Land and ocean fields (gC m-2 yr-1, per cell area) with prescribed annual totals."""
    rng = np.random.default_rng(seed)
    month = np.arange(12)[:, None, None]
    phi = np.deg2rad(lat)[None, :, None]
    lam = np.deg2rad(lon)[None, None, :]
    land_frac = np.where(lat[:, None] < -60, 0.0, frac)[None]
    ocean_frac = (1.0 - frac)[None]
    # land: seasonal cycle, uptake in local summer, strongest in the northern extratropics
    hemi = np.sign(phi) + (phi == 0)
    amp = 150.0 * np.exp(-((np.rad2deg(phi) - 50.0) / 20.0) ** 2) + 40.0 * np.cos(phi) ** 2
    season = -amp * hemi * np.cos(2 * np.pi * (month + 0.5 - 7.0) / 12.0)
    pattern = (1.0 + 0.3 * np.cos(2 * lam + rng.uniform(0, 2 * np.pi))) * np.cos(phi)
    ocean_pat = (0.8 * np.cos(phi) ** 2 - 0.6 + 0.1 * np.sin(3 * lam)) * np.ones_like(month)
    w = days / days.sum()

    def scaled(base: np.ndarray, shape: np.ndarray, cover: np.ndarray, target: float) -> np.ndarray:
        # target Pg C/yr = sum_m w_m sum_cells (base + c*shape) * cover * area * 1e-15
        tot = lambda f: float(np.einsum("m,mij,ij->", w, f * cover, area) * 1e-15)  # noqa: E731
        c = (target - tot(base)) / tot(shape)
        return (base + c * shape) * cover

    land = scaled(season * np.ones((12,) + frac.shape), pattern * np.ones((12,) + frac.shape),
                  land_frac, land_total)
    ocean = scaled(np.zeros((12,) + frac.shape), -np.ones((12,) + frac.shape) + ocean_pat * 0.5,
                   ocean_frac, ocean_total)
    return land, ocean


def write_oco2mip_sample(root: str | Path, *, models: tuple[str, ...] = SAMPLE_MODELS,
                         experiments: tuple[str, ...] = SAMPLE_EXPERIMENTS, year: int = 2015) -> Path:
    """Write an OCO-2-v10-MIP-format synthetic ensemble and a catalog describing it.

    Layout: ``root/oco2mip-v10/<EXP>/<Model>_gridded_fluxes_<EXP>.nc4`` plus
    ``root/sample-oco2mip.yaml`` (an intake catalog).  Quirks of the real files are
    reproduced: ``LoFI`` has no ``start_date``, ``WOMBAT`` has mid-month dates, ``CAMS``
    names its time dimension ``n_months``.

    Parameters
    ----------
    root
        Directory to write into (created).
    models, experiments
        Which members to write; totals come from :data:`SAMPLE_TOTALS`.
    year
        Calendar year of the 12 months.

    Returns
    -------
    pathlib.Path
        The catalog file.
    """
    root = Path(root)
    lat = np.arange(-89.5, 90, 1.0)
    lon = np.arange(-179.5, 180, 1.0)
    area = cell_area(centre_bounds(lat, name="lat", limits=(-90, 90)), centre_bounds(lon, name="lon"))
    frac = land_fraction_1deg()
    days = np.array([calendar.monthrange(year, m)[1] for m in range(1, 13)], dtype="f8")
    for i, model in enumerate(models):
        for j, exp in enumerate(experiments):
            land_t, ocean_t = SAMPLE_TOTALS.get((model, exp), (-1.5, -2.5))
            land, ocean = _fields(land_t, ocean_t, frac, area, days, lat, lon, seed=10 * i + j)
            tdim = "n_months" if model == "CAMS" else "time"
            attrs = {"units": "gC per m2 per year"}
            ds = xr.Dataset(
                {
                    "land": ((tdim, "latitude", "longitude"), land.astype("f4"), {**attrs, "long_name": "land flux"}),
                    "ocean": ((tdim, "latitude", "longitude"), ocean.astype("f4"), {**attrs, "long_name": "ocean flux"}),
                    "net": ((tdim, "latitude", "longitude"), (land + ocean).astype("f4"),
                            {**attrs, "long_name": "net flux (land + ocean), fossil excluded"}),
                },
                coords={"latitude": ("latitude", lat, {"units": "degrees_north"}),
                        "longitude": ("longitude", lon, {"units": "degrees_east"})},
                attrs={"title": f"{model} {exp} gridded fluxes", "synthetic": "true",
                       "comment": SYNTHETIC_NOTE, "positive": "flux to the atmosphere"},
            )
            if model != "LoFI":
                day = 15 if model == "WOMBAT" else 1
                sd = np.stack([np.full(12, year), np.arange(1, 13), np.full(12, day)], axis=1)
                ds["start_date"] = ((tdim, "date_component"), sd.astype("i4"),
                                    {"long_name": "start date of each month [year, month, day]"})
            out = root / "oco2mip-v10" / exp / f"{model}_gridded_fluxes_{exp}.nc4"
            out.parent.mkdir(parents=True, exist_ok=True)
            enc = {v: {"zlib": True, "complevel": 1} for v in ("land", "ocean", "net")}
            with atomic_write(out) as tmp:
                ds.to_netcdf(tmp, format="NETCDF4", encoding=enc)
    from mip.checks.protocol import list_protocols

    proto = yaml.safe_load(list_protocols()["oco2mip-v10"].read_text())
    proto.update(name="oco2mip-v10-sample", title="OCO-2 v10 MIP layout, sample period (12 months of one year)")
    proto["dims"]["time"] = 12
    proto["time"].update(first=f"{year}-01", months=12)
    (root / "sample-protocol.yaml").write_text(yaml.safe_dump(proto, sort_keys=False, allow_unicode=True))
    cat = root / "sample-oco2mip.yaml"
    cat.write_text(_SAMPLE_CATALOG.format(models=", ".join(models), experiments=", ".join(experiments),
                                          start=f"{year}-01", note=SYNTHETIC_NOTE))
    return cat


_SAMPLE_CATALOG = """\
# Intake catalog of the synthetic OCO-2-MIP-format sample written by mip.sample.
metadata:
  title: Synthetic OCO-2 v10 MIP sample
  version: 1
  synthetic: true
  note: "{note}"
  protocol: sample-protocol.yaml
sources:
  gridded_fluxes:
    description: Gridded land/ocean/net fluxes per model and experiment (synthetic sample)
    driver: mip.catalog.ProductSource
    args:
      family: oco2mip
      urlpath: "{{{{ CATALOG_DIR }}}}/oco2mip-v10/{{experiment}}/{{model}}_gridded_fluxes_{{experiment}}.nc4"
      models: [{models}]
      experiments: [{experiments}]
      options:
        start: "{start}"
"""


#: Synthetic "countries": ISO 3166 reserves the X.. codes for user assignment, so none is real.
SAMPLE_COUNTRIES = {
    "XNA": (-125.0, 25.0, -65.0, 50.0), "XEU": (-10.0, 36.0, 40.0, 60.0), "XAS": (60.0, 20.0, 130.0, 50.0),
    "XSA": (-75.0, -35.0, -35.0, 5.0), "XAF": (-15.0, -30.0, 45.0, 15.0), "XAU": (115.0, -40.0, 155.0, -12.0),
    "XTI": (7.2, 46.1, 8.1, 46.6),  # smaller than one 1° cell
}
#: Global totals (Pg C/yr) the synthetic lateral grid carries over land.
SAMPLE_LATERAL_TOTALS = {"FF": 9.6, "Crop": 0.0, "Wood": 0.0, "River": -0.65}


def write_country_sample(path: str | Path) -> Path:
    """Write synthetic country polygons (GeoPackage, field ``ISO_A3``), clearly labelled synthetic.

    Parameters
    ----------
    path
        Output ``.gpkg``.

    Returns
    -------
    pathlib.Path
    """
    import geopandas as gpd
    import shapely

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    boxes = {k: shapely.box(*b) for k, b in SAMPLE_COUNTRIES.items()}
    boxes["XEU"] = boxes["XEU"].difference(boxes["XTI"])  # XTI is an enclave: countries do not overlap
    gdf = gpd.GeoDataFrame({"ISO_A3": list(boxes), "NAME": [f"synthetic {k}" for k in boxes]},
                           geometry=list(boxes.values()), crs="EPSG:4326")
    gdf.to_file(path)
    return path


def write_lateral_sample(path: str | Path, *, years: tuple[int, ...] = (2015,)) -> Path:
    """Write a synthetic lateral-flux grid in the CEOS pilot layout (gCO2 m-2 yr-1, with uncertainties).

    ``FF``, ``Crop``, ``Wood``, ``River`` on (year, lat, lon), ``*_unc`` (30 % of |value| + a
    floor), ``*_meanYear`` variants and ``area``.  Totals over land are
    :data:`SAMPLE_LATERAL_TOTALS`; crop and wood trade sum to zero (exporters negative).

    Parameters
    ----------
    path
        Output netCDF.
    years
        Years of the per-year fields.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    lat = np.arange(-89.5, 90, 1.0)
    lon = np.arange(-179.5, 180, 1.0)
    lb, ob = centre_bounds(lat, name="lat", limits=(-90, 90)), centre_bounds(lon, name="lon")
    area = cell_area(lb, ob)
    frac = np.where(lat[:, None] < -60, 0.0, land_fraction_1deg())
    la, lo = np.meshgrid(np.deg2rad(lat), np.deg2rad(lon), indexing="ij")
    to_gco2 = 44.0095 / 12.011

    def field(total_pgc: float, pattern: np.ndarray) -> np.ndarray:
        w = pattern * frac
        if total_pgc == 0.0:  # a trade pattern: exporters and importers balance exactly
            w = w - frac * (w * area).sum() / (frac * area).sum()
            return 0.8e15 * w / np.abs(w * area).sum() * to_gco2
        return total_pgc * 1e15 * w / (w * area).sum() * to_gco2

    base = {
        "FF": field(SAMPLE_LATERAL_TOTALS["FF"], np.exp(-((np.rad2deg(la) - 40) / 15) ** 2) + 0.2),
        "Crop": field(0.0, np.sin(2 * lo) * np.cos(la)),
        "Wood": field(0.0, np.cos(3 * lo + 1) * np.cos(la)),
        "River": field(SAMPLE_LATERAL_TOTALS["River"], np.cos(la) ** 2 + 0.1),
    }
    ny = len(years)
    ds = xr.Dataset(coords={"year": ("year", list(years)), "lat": ("lat", lat, {"units": "degrees_north"}),
                            "lon": ("lon", lon, {"units": "degrees_east"})},
                    attrs={"title": "SYNTHETIC lateral fluxes in the CEOS pilot budget grid layout",
                           "synthetic": "true", "comment": "written by mip.sample; not real data"})
    ds["area"] = (("lat", "lon"), area, {"units": "m2"})
    for k, v in base.items():
        scale = 1.0 + 0.02 * np.arange(ny)[:, None, None]
        data = v[None] * scale
        unc = 0.3 * np.abs(data) + 0.01 * frac[None]
        attrs = {"units": "gCO2/m2/yr"}
        ds[k] = (("year", "lat", "lon"), data.astype("f4"), attrs)
        ds[f"{k}_unc"] = (("year", "lat", "lon"), unc.astype("f4"), attrs)
        ds[f"{k}_meanYear"] = (("lat", "lon"), data.mean(0).astype("f4"), attrs)
        ds[f"{k}_unc_meanYear"] = (("lat", "lon"), unc.mean(0).astype("f4"), attrs)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as tmp:
        ds.to_netcdf(tmp, encoding={v: {"zlib": True, "complevel": 1} for v in ds.data_vars})
    return path


def write_cmip6_sample(root: str | Path, *, year: int = 2015) -> list[Path]:
    """A synthetic Earth-system-model output in the CMIP6 layout (``nbp`` and ``fgco2``, ``noleap``, Gaussian grid).

    Land sink ≈ 1.5 Pg C/yr per land area with a northern summer uptake, ocean sink ≈ 2.4 Pg C/yr per
    sea area, CMIP's sign convention (positive into the surface); every file says SYNTHETIC in its title.

    Parameters
    ----------
    root
        Directory (the files go to ``root/cmip6-synthetic``).
    year
        The one year written.

    Returns
    -------
    list of pathlib.Path
    """
    from mip.testing import write_cmip6

    folder = Path(root) / "cmip6-synthetic"

    def nbp(lat, lon, y, m):
        season = 1.5e-9 * np.cos(2 * np.pi * (m - 7) / 12) * np.clip(np.sin(np.deg2rad(lat)), 0, None)
        return 3.2e-10 + season

    def fgco2(lat, lon, y, m):
        return np.full(lat.shape, 2.1e-10)

    return [write_cmip6(folder, v, f, source_id="TOY-ESM1-0", calendar="noleap", years=(year, year))
            for v, f in (("nbp", nbp), ("fgco2", fgco2))]

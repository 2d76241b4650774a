"""A coordinator's own MIP as its groups would send it (SYNTHETIC): five CF-style submissions, a catalog, a protocol.

Five groups submit monthly 1° land and ocean CO2 fluxes for 2018–2019 the way groups do when a MIP
asks for "CF-compliant netCDF": each writes with xarray and its own habits, and each file carries one
of the faults fluxmip must not be silently wrong about:

=========  ======================  ==============================================================
group      units                   what is special
=========  ======================  ==============================================================
Jena-CS    ``mol m-2 s-1``         values positive to the atmosphere, but ``positive: "down"``
CT-EU      ``gC m-2 d-1``          a second unit spelling (the protocol accepts both)
LSCE       ``mol m-2 s-1``         land NaN over the open ocean (a fill value, as CMIP Lmon files)
UoE        ``mol m-2 s-1``         August 2018 missing (NaN)
NIES       ``mol m-2 s-1``         longitudes written in float32 8e-6° off the others'
=========  ======================  ==============================================================

Every file has descending latitudes, 0–360 longitudes, mid-month dates, ``positive`` attributes and
xarray's default ``_FillValue`` on its coordinates.  Each group's annual global totals are
:data:`OWN_MIP_TOTALS` (Pg C/yr, positive = to the atmosphere, what the group *meant*); the fields are
uniform per m² of land (ocean) in each month, so every land (ocean) region's total is its share of
the land (ocean) area under Natural Earth's 1° land fraction.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["OWN_MIP_TOTALS", "OWN_MIP_GROUPS", "write_own_mip"]

#: Each group's intended annual global land and ocean totals, Pg C/yr, positive = to the atmosphere.
OWN_MIP_TOTALS: dict[str, tuple[float, float]] = {
    "Jena-CS": (-1.2, -2.7), "CT-EU": (-1.6, -2.5), "LSCE": (-1.4, -2.6), "UoE": (-1.0, -2.4), "NIES": (-1.8, -2.8)}
OWN_MIP_GROUPS = tuple(OWN_MIP_TOTALS)
_G_PER_MOL_C = 12.011
_SECONDS_PER_YEAR = 365.25 * 86400.0


def _uniform(total_pgc: float, cover: np.ndarray, area: np.ndarray) -> np.ndarray:
    """Mol C m-2 s-1 per m² of cell, proportional to ``cover``, integrating to ``total_pgc`` Pg C per Julian year."""
    return total_pgc * 1e15 / _G_PER_MOL_C / _SECONDS_PER_YEAR / float((cover * area).sum()) * cover


def write_own_mip(root: str | Path, *, months: int = 24, first: str = "2018-01") -> Path:
    """Write the five submissions (``root/submissions/<group>_fluxes_2018-2019.nc``), a catalog and a protocol.

    Parameters
    ----------
    root
        Folder to write into (created).
    months
        Months from ``first``.
    first
        ``YYYY-MM`` of the first month.

    Returns
    -------
    pathlib.Path
        The catalog (``root/mymip.yaml``, entry ``fluxes``, ``metadata: protocol: mymip-protocol.yaml``);
        the protocol is ``root/mymip-protocol.yaml`` (name ``mymip``).
    """
    from mip.testing import land_fraction_1deg

    root = Path(root)
    sub = root / "submissions"
    sub.mkdir(parents=True, exist_ok=True)
    lat = np.arange(-89.5, 90.0, 1.0)
    lon = np.arange(0.5, 360.0, 1.0)
    r = 6_371_007.2
    band = np.sin(np.deg2rad(lat + 0.5)) - np.sin(np.deg2rad(lat - 0.5))
    area = np.repeat((r**2 * np.deg2rad(1.0) * band)[:, None], lon.size, axis=1)
    lf = np.roll(land_fraction_1deg(), 180, axis=1)  # columns from -179.5 to 0.5 .. 359.5
    times = pd.date_range(f"{first}-01", periods=months, freq="MS") + pd.Timedelta(days=14)
    y0 = int(first[:4])
    span = f"{y0}-{y0 + (months - 1) // 12}"
    for group, (land_t, ocean_t) in OWN_MIP_TOTALS.items():
        land = np.repeat(_uniform(land_t, lf, area)[None], months, axis=0)
        ocean = np.repeat(_uniform(ocean_t, 1.0 - lf, area)[None], months, axis=0)
        units, lon_out = "mol m-2 s-1", lon.astype("f4")
        pos = "up"
        if group == "Jena-CS":
            pos = "down"  # the values are positive up: the attribute is wrong
        elif group == "CT-EU":
            land, ocean, units = land * _G_PER_MOL_C * 86400.0, ocean * _G_PER_MOL_C * 86400.0, "gC m-2 d-1"
        elif group == "LSCE":
            land[:, lf == 0] = np.nan
        elif group == "UoE":
            land[7], ocean[7] = np.nan, np.nan
        elif group == "NIES":
            lon_out = (lon + 8e-6).astype("f4")
        attrs = {"units": units, "positive": pos}
        ds = xr.Dataset(
            {"land": (("time", "lat", "lon"), land[:, ::-1].astype("f4"),
                      {**attrs, "long_name": "net land-atmosphere CO2 flux (NBE), fossil excluded"}),
             "ocean": (("time", "lat", "lon"), ocean[:, ::-1].astype("f4"),
                       {**attrs, "long_name": "air-sea CO2 flux"})},
            coords={"time": ("time", times, {"standard_name": "time"}),
                    "lat": ("lat", lat[::-1].astype("f4"), {"units": "degrees_north", "standard_name": "latitude"}),
                    "lon": ("lon", lon_out, {"units": "degrees_east", "standard_name": "longitude"})},
            attrs={"Conventions": "CF-1.8", "institution": group, "title": f"{group} inversion, SYNTHETIC",
                   "synthetic": "true", "history": "written by mip.testing.own_mip"})
        ds.to_netcdf(sub / f"{group}_fluxes_{span}.nc")
    (root / "mymip-protocol.yaml").write_text(f"""\
name: mymip
title: My MIP (SYNTHETIC)
gas: CO2
file_pattern: '^(?P<model>[A-Za-z0-9-]+)_fluxes_{span}\\.nc$'
file_pattern_help: "<group>_fluxes_{span}.nc"
dims: {{lat: 180, lon: 360, time: {months}}}
coordinates:
  lat: {{size: 180, first: -89.5, step: 1.0, orientation: any}}
  lon: {{size: 360, first: -179.5, step: 1.0, orientation: any}}
variables:
  land: {{dims: [time, lat, lon], units: [mol m-2 s-1, gC m-2 d-1], total_range: [-6.0, 3.0], surface: land}}
  ocean: {{dims: [time, lat, lon], units: [mol m-2 s-1, gC m-2 d-1], total_range: [-4.5, -0.5], surface: ocean}}
time: {{mode: cf, variable: time, first: "{first}", months: {months}}}
sign:
  - {{variable: ocean, expected: negative, reason: "the ocean is a net sink of about 2.5 Pg C/yr"}}
sign_convention: atmosphere
""")
    cat = root / "mymip.yaml"
    cat.write_text(f"""\
metadata:
  title: My MIP (SYNTHETIC)
  protocol: mymip-protocol.yaml
  synthetic: true
sources:
  fluxes:
    description: five groups' posterior land and ocean fluxes
    driver: mip.catalog.ProductSource
    args:
      family: cf
      urlpath: "{{{{ CATALOG_DIR }}}}/submissions/{{model}}_fluxes_{span}.nc"
      models: [{", ".join(OWN_MIP_GROUPS)}]
      experiments: [posterior]
      options: {{gas: CO2}}
""")
    return cat

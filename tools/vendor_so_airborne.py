"""Make the compact subset of the Long et al. (2021) data that fluxmip ships.

Source: ``../shared/data/so-airborne-long2021/`` (converted from the public repository
NCAR/so-co2-airborne-obs, MIT licence).  Kept, values unchanged:

* profiles: profiles south of 35°S, bins θ ≤ 320 K, variables for the total, land and
  fossil tracers (bin mean and median) and the stratospheric flag; observed: every
  instrument's bin mean and median and the flag; stored as float32 (values are given to
  < 1e-4 ppm, float32 keeps 1e-5 ppm at 400 ppm);
* fluxes: the four zonal fluxes south of 40°S from 2008 on (the campaigns' 90-day windows
  start in October 2008), float32;
* flasks: rows south of 35°S, all columns;
* campaigns.csv, model-description.yaml, README.md and LICENSE unchanged.

Run: ``python tools/vendor_so_airborne.py [SRC] [DEST]``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd
import xarray as xr

SRC = Path(__file__).resolve().parents[2] / "shared" / "data" / "so-airborne-long2021"
DEST = Path(__file__).resolve().parents[1] / "mip" / "data" / "so-airborne-long2021"


def main(src: Path = SRC, dest: Path = DEST) -> None:
    for sub in ("profiles", "fluxes", "flasks"):
        (dest / sub).mkdir(parents=True, exist_ok=True)
    for f in ("campaigns.csv", "model-description.yaml", "README.md", "LICENSE"):
        shutil.copy(src / f, dest / f)
    for p in sorted((src / "profiles").glob("*.nc")):
        ds = xr.open_dataset(p)
        keep = [v for v in ds.data_vars if not v.endswith("_std") and "std_" not in v]
        ds = ds[keep].where(ds.lat < -35, drop=True).sel(theta=slice(None, 320))
        for c in ("year", "month", "doy"):
            ds[c] = ds[c].astype("f4")
        enc = {v: {"zlib": True, "complevel": 9, "dtype": "f4"} for v in ds.data_vars}
        ds.to_netcdf(dest / "profiles" / p.name, encoding=enc)
    for p in sorted((src / "fluxes").glob("*.nc")):
        ds = xr.open_dataset(p)
        ds = ds.sel(lat=ds.lat[ds.lat < -40], time=slice("2008-01-01", None))
        enc = {v: {"zlib": True, "complevel": 9, "dtype": "f4"} for v in ds.data_vars}
        ds.to_netcdf(dest / "fluxes" / p.name, encoding=enc)
    for p in sorted((src / "flasks").glob("*.txt")):
        df = pd.read_csv(p, sep=r"\s+", na_values=["NA", "NaN"])
        df = df[df.lat < -35]
        df.to_csv(dest / "flasks" / p.name, sep=" ", index=False, na_rep="NA")
    total = sum(f.stat().st_size for f in dest.rglob("*") if f.is_file())
    print(f"wrote {dest} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:3]))

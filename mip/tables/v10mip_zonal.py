"""OCO-2 v10 MIP zonal flux tables of Stephens et al. (2026) (real files checked in the tests).

Per-member band time series ``V10MIP/<MODEL>/<EXP>/flux_<band>_timeseries.txt``: header
``year month land ocean net foss``, one row per month 2015-01 … 2020-12, Pg C/yr, positive = to the
atmosphere, ``net`` = land + ocean (fossil separate).  Bands: 18 of 10° (``90S-80S`` …
``80N-90N``) and ``20N-90N``, ``20S-20N``, ``90S-20S`` and ``20X-90X`` (both extratropics,
20°–90° N and S together).  Experiments ``IS``, ``LNLG``, ``LNLGIS``, ``LNLGOGIS``, ``OG`` and
``unopt`` (the prior; ``prior`` here).

:func:`read_zonal_ensemble` turns the tree into the canonical region-total model (``region`` ×
``time`` × ``model`` × ``experiment``, Pg C/yr, ``time_bounds``), so every budget statistic
(:func:`mip.budgets.stats.ensemble_stats`, annual means) applies to the real v10 MIP ensemble.  A
(model, experiment) without a folder is kept as NaN and named in ``attrs["missing_members"]``.

Summary tables ``V10MIP/oco2_v10mip_*.txt`` (``exp mod <columns>``, one row per member) are read
by :func:`read_summary_table`.  They are plain means of the monthly values (the band tables of
June 2016 – May 2018 and the global 2015–2020 and 2016–2018 totals are reproduced from the band
files to their 3 decimals in the tests).  Real quirk: ``oco2_v10mip_total_fluxes_bylat_2015-2020.txt``
is byte-identical to ``..._201606-201805.txt`` — it holds June 2016 – May 2018 means, not 2015–2020.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from mip.errors import InputError, MipError
from mip.conventions.period import period_mean
from mip.conventions.timeaxis import monthly_axis

__all__ = ["read_band_file", "read_zonal_ensemble", "read_summary_table", "band_edges", "combine_bands",
           "summary_as_bands", "bundled_summary", "annual_table", "bundled_annual",
           "BANDS_10", "COMPOSITE_BANDS", "COLUMNS", "REGION_SETS"]

#: The header of every band file and the canonical variable each column becomes.
COLUMNS = {"land": "land", "ocean": "ocean", "net": "net", "foss": "fossil"}
#: The 18 10° bands, south to north.
def _lat_name(a: int) -> str:
    return "EQ" if a == 0 else f"{abs(a)}{'S' if a < 0 else 'N'}"


BANDS_10 = tuple(f"{_lat_name(a)}-{_lat_name(a + 10)}" for a in range(-90, 90, 10))
#: Composite bands of the files: name → 10° bands they sum.
COMPOSITE_BANDS = {"90S-20S": BANDS_10[:7], "20S-20N": BANDS_10[7:11], "20N-90N": BANDS_10[11:],
                   "20X-90X": BANDS_10[:7] + BANDS_10[11:]}
EXPERIMENT_NAMES = {"unopt": "prior"}
#: Tolerance of net = land + ocean in a file (values carry 7 significant digits).
NET_TOLERANCE = 1e-5


def band_edges(band: str) -> tuple[float, float]:
    """South and north edge (degrees) of a band name such as ``"20S-10S"``, ``"EQ-10N"``, ``"20N-90N"``.

    ``"20X-90X"`` (20°–90° in both hemispheres) is not one band: its edges are NaN.
    """
    if "X" in band:
        return np.nan, np.nan

    def deg(s: str) -> float:
        if s == "EQ":
            return 0.0
        m = re.fullmatch(r"(\d+)([NS])", s)
        if not m:
            raise MipError(f"not a latitude: {s!r}")
        return float(m[1]) * (-1 if m[2] == "S" else 1)

    a, b = band.split("-")
    return deg(a), deg(b)


def _read_band(path: Path) -> np.ndarray:
    """(month, [year, month, land, ocean, net, fossil]) array of one band file, checked."""
    try:
        text = path.read_bytes().decode("ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"unreadable ({exc})", "a v10 MIP band time-series text file") from exc
    if text.strip() and not text.endswith("\n"):  # every published band file ends its last line
        last = text.rstrip().splitlines()[-1]
        raise InputError(path, None, f"a last line without its end ({last!r}): the file may be cut short",
                         "a whole file (each line ends with a newline)")
    lines = [ln.split() for ln in text.splitlines() if ln.strip()]
    want = ["year", "month", *COLUMNS]
    if not lines or lines[0] != want:
        raise InputError(path, "header", f"{' '.join(lines[0]) if lines else 'an empty file'!r}", f"'{' '.join(want)}'")
    bad = next((k for k, r in enumerate(lines[1:]) if len(r) != len(want)), None)
    if bad is not None:
        raise InputError(path, "row", f"{len(lines[bad + 1])} values on line {bad + 2}", f"{len(want)} values")
    try:
        a = np.array(lines[1:], dtype="f8")
    except ValueError as exc:
        raise InputError(path, None, f"a value that is not a number ({exc})", "numbers") from exc
    if a.shape[0] == 0:
        raise InputError(path, "month", "no rows", "one row per month")
    keys = a[:, 0].astype(int) * 12 + a[:, 1].astype(int) - 1
    if np.any(np.diff(keys) != 1) or np.any((a[:, 1] < 1) | (a[:, 1] > 12)):
        k = int(np.argmax(np.diff(keys) != 1)) if len(keys) > 1 else 0
        raise InputError(path, "month", f"months not consecutive near line {k + 2}", "one row per month, consecutive")
    resid = np.abs(a[:, 4] - a[:, 2] - a[:, 3])
    if np.any(resid > NET_TOLERANCE * (1 + np.abs(a[:, 2]) + np.abs(a[:, 3]))):
        k = int(resid.argmax())
        raise InputError(path, "net", f"net − land − ocean = {resid[k]:.3g} on line {k + 2}", "net = land + ocean")
    return a


def read_band_file(path: str | PathLike) -> pd.DataFrame:
    """One ``flux_<band>_timeseries.txt``: a (month × land, ocean, net, fossil) table in Pg C/yr.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``month``, ``land``, ``ocean``, ``net``, ``fossil``.

    Raises
    ------
    InputError
        Another header, a value that is not a number, a month missing or repeated, or
        ``net`` ≠ ``land`` + ``ocean``.
    """
    a = _read_band(Path(path))
    df = pd.DataFrame(a, columns=["year", "month", *COLUMNS.values()])
    return df.astype({"year": int, "month": int})


def read_zonal_ensemble(root: str | PathLike, *, models: Sequence[str] | None = None,
                        experiments: Sequence[str] | None = None, bands: Sequence[str] | None = None) -> xr.Dataset:
    """The whole ``V10MIP/<MODEL>/<EXP>/flux_<band>_timeseries.txt`` tree as one region-total Dataset.

    Parameters
    ----------
    root
        The ``V10MIP`` folder.
    models, experiments
        Which to read (default every model folder and every experiment found; ``unopt`` is
        labelled ``prior``).
    bands
        Which bands (default the 18 10° bands and the four composites).

    Returns
    -------
    xarray.Dataset
        ``land``, ``ocean``, ``net``, ``fossil`` and ``total`` (= net + fossil) on (model,
        experiment, region, time), Pg C/yr positive = to the atmosphere; ``time_bounds``;
        ``lat_min``/``lat_max`` per region; ``attrs["missing_members"]`` lists the (model,
        experiment) pairs without a folder, whose values are NaN.

    Raises
    ------
    InputError
        A missing band file in a member's folder, a bad file, or members on different months.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError(root, None, "no such folder", "the V10MIP folder of the Stephens et al. (2026) data")
    models = list(models) if models else sorted(p.name for p in root.iterdir() if p.is_dir())
    if not models:
        raise InputError(root, None, "no model folders", "V10MIP/<MODEL>/<EXP>/ folders")
    for m in models:
        if not (root / m).is_dir():
            raise InputError(root, m, "no such model folder", f"one of {sorted(p.name for p in root.iterdir() if p.is_dir())}")
    found = {(m, e.name) for m in models for e in (root / m).iterdir() if e.is_dir()}
    native_exps = list(experiments) if experiments else sorted({e for _, e in found}, key=lambda e: (e == "unopt", e))
    bands = list(bands) if bands else [*BANDS_10, *COMPOSITE_BANDS]
    data = None
    months: np.ndarray | None = None
    missing_members = []
    for i, m in enumerate(models):
        for j, e in enumerate(native_exps):
            if (m, e) not in found:
                missing_members.append(f"{m}/{EXPERIMENT_NAMES.get(e, e)}")
                continue
            for k, b in enumerate(bands):
                f = root / m / e / f"flux_{b}_timeseries.txt"
                if not f.exists():
                    raise InputError(f, None, "no such file", f"a time series for band {b} beside the member's others")
                a = _read_band(f)
                keys = a[:, 0].astype(int) * 12 + a[:, 1].astype(int) - 1
                if months is None:
                    months = keys
                    data = np.full((len(COLUMNS), len(models), len(native_exps), len(bands), len(keys)), np.nan)
                elif not np.array_equal(keys, months):
                    raise InputError(f, "month", f"{len(keys)} months from {keys[0] // 12}-{keys[0] % 12 + 1:02d}",
                                     f"the months of the other members ({len(months)} from "
                                     f"{months[0] // 12}-{months[0] % 12 + 1:02d})")
                data[:, i, j, k, :] = a[:, 2:].T
    if months is None or data is None:
        raise InputError(root, None, "no band files", "flux_<band>_timeseries.txt files")
    time, tb = monthly_axis(months // 12, months % 12 + 1, file=root, variable="month")
    edges = np.array([band_edges(b) for b in bands])
    exps = [EXPERIMENT_NAMES.get(e, e) for e in native_exps]
    out = xr.Dataset(coords={"model": models, "experiment": exps, "region": bands, "time": time,
                             "time_bounds": (("time", "bnds"), tb),
                             "lat_min": ("region", edges[:, 0]), "lat_max": ("region", edges[:, 1])})
    attrs = {"units": "Pg yr-1", "reported_as": "C", "sign_convention": "positive = to the atmosphere"}
    for n, name in enumerate(COLUMNS.values()):
        out[name] = (("model", "experiment", "region", "time"), data[n], dict(attrs))
    out["total"] = (out["net"] + out["fossil"]).assign_attrs(attrs, long_name="land + ocean + fossil")
    out.attrs.update({"source_file": str(root), "product": "OCO-2 v10 MIP zonal fluxes (Stephens et al. 2026)",
                      "missing_members": ", ".join(missing_members), "sign_convention": "positive = to the atmosphere"})
    return out


def read_summary_table(path: str | PathLike) -> xr.DataArray:
    """A v10 MIP summary table (``exp mod <columns>``, one row per member) as (experiment, model, column).

    Parameters
    ----------
    path
        E.g. ``oco2_v10mip_total_fluxes_bylat_201606-201805.txt`` (columns = band centres) or
        ``oco2_v10mip_global_total_fluxes_2015-2020.txt`` (one column ``flux``).

    Returns
    -------
    xarray.DataArray
        Pg C/yr; dim ``column`` holds the header's labels (band centres as floats when every
        label is a number, under the name ``lat``).
    """
    path = Path(path)
    try:
        rows = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"unreadable ({exc})", "a v10 MIP summary table") from exc
    if not rows or rows[0][:2] != ["exp", "mod"] or len(rows[0]) < 3:
        raise InputError(path, "header", f"{' '.join(rows[0]) if rows else 'an empty file'!r}", "'exp mod <columns>'")
    cols = rows[0][2:]
    bad = next((k for k, r in enumerate(rows[1:]) if len(r) != len(cols) + 2), None)
    if bad is not None:
        raise InputError(path, "row", f"{len(rows[bad + 1])} values on line {bad + 2}", f"{len(cols) + 2} values")
    df = pd.DataFrame(rows[1:], columns=["exp", "mod", *cols])
    try:
        vals = df[cols].apply(pd.to_numeric, errors="raise")
    except ValueError as exc:
        raise InputError(path, None, f"a value that is not a number ({exc})", "numbers") from exc
    if df.duplicated(["exp", "mod"]).any():
        raise InputError(path, "exp/mod", "a member twice", "one row per experiment and model")
    try:
        labels: list = [float(c) for c in cols]
        dim = "lat"
    except ValueError:
        labels, dim = cols, "column"
    vals.index = pd.MultiIndex.from_arrays([df["exp"].map(lambda e: EXPERIMENT_NAMES.get(e, e)), df["mod"]],
                                           names=["experiment", "model"])
    vals.columns = pd.Index(labels, name=dim)
    da = xr.DataArray.from_series(vals.stack())
    return da.assign_attrs(units="Pg yr-1", reported_as="C", source_file=str(path),
                           sign_convention="positive = to the atmosphere")


#: Region sets made of whole 10° bands.  GCB bands (north > 30°N, tropics 30°S–30°N, south < 30°S)
#: are exact: 30° is an edge of the 10° bands.
REGION_SETS: dict[str, dict[str, tuple[str, ...]]] = {
    "gcb": {"south": BANDS_10[:6], "tropics": BANDS_10[6:12], "north": BANDS_10[12:]},
    "20deg": {"90S-20S": BANDS_10[:7], "20S-20N": BANDS_10[7:11], "20N-90N": BANDS_10[11:]},
    "globe": {"globe": BANDS_10},
}


def combine_bands(ds: xr.Dataset | xr.DataArray, regions: dict[str, Sequence[str]]) -> xr.Dataset | xr.DataArray:
    """Sum 10° bands into larger regions (``region`` → the new names); NaN stays NaN.

    Parameters
    ----------
    ds
        From :func:`read_zonal_ensemble` (dim ``region``).
    regions
        New region → the bands it sums (e.g. ``REGION_SETS["gcb"]``).

    Returns
    -------
    Same type, with ``region`` = the new names.
    """
    parts = [ds.sel(region=list(bands)).sum("region", skipna=False).expand_dims(region=[name])
             for name, bands in regions.items()]
    out = xr.concat(parts, dim="region")
    return out.drop_vars(["lat_min", "lat_max"], errors="ignore")


def summary_as_bands(table: xr.DataArray) -> xr.DataArray:
    """A by-latitude summary table (dim ``lat`` = the 18 band centres) with ``region`` = the band names.

    Parameters
    ----------
    table
        From :func:`read_summary_table` of an ``*_bylat_*`` table.

    Returns
    -------
    xarray.DataArray
        Dims ``experiment``, ``model``, ``region`` (:data:`BANDS_10`), ready for :func:`combine_bands`.
    """
    centres = np.arange(-85.0, 90.0, 10.0)
    if "lat" not in table.dims or not np.array_equal(np.asarray(table["lat"].values, float), centres):
        raise InputError(table.attrs.get("source_file"), "lat", f"columns {list(table['lat'].values)[:4] if 'lat' in table.coords else list(table.dims)}",
                         "the 18 band centres -85 ... 85")
    return table.rename(lat="region").assign_coords(region=list(BANDS_10))


def bundled_summary(component: str) -> xr.DataArray:
    """The bundled June 2016 – May 2018 by-latitude table of ``total``, ``land`` or ``ocean`` (real, unchanged)."""
    from importlib import resources

    if component not in ("total", "land", "ocean"):
        raise MipError("component must be 'total', 'land' or 'ocean'")
    path = resources.files("mip") / "data" / "stephens2026-v10mip" / f"oco2_v10mip_{component}_fluxes_bylat_201606-201805.txt"
    return read_summary_table(Path(str(path)))


def annual_table(ds: xr.Dataset) -> pd.DataFrame:
    """Calendar-year means of ``land``, ``ocean`` and ``fossil`` per member and band (months weighted by length).

    Parameters
    ----------
    ds
        From :func:`read_zonal_ensemble`.

    Returns
    -------
    pandas.DataFrame
        ``experiment, model, year, band, land, ocean, fossil`` (Pg C/yr); members without data left out.
    """
    bounds = ds["time_bounds"]
    years = sorted({int(y) for y in ds["time.year"].values})
    parts = []
    for y in years:
        m = period_mean(ds[["land", "ocean", "fossil"]], str(y), time_bounds=bounds)
        parts.append(m.expand_dims(year=[y]))
    df = xr.concat(parts, "year").to_dataframe().reset_index().rename(columns={"region": "band"})
    df = df.dropna(subset=["land", "ocean", "fossil"], how="all")
    return df[["experiment", "model", "year", "band", "land", "ocean", "fossil"]]


def bundled_annual() -> xr.Dataset:
    """The bundled annual v10 MIP table (derived from the real band time series by ``tools/make_v10mip_annual.py``).

    Returns
    -------
    xarray.Dataset
        ``land``, ``ocean``, ``fossil`` and ``total`` on (model, experiment, region = the 18 10°
        bands, year), Pg C/yr positive = to the atmosphere; NaN for a member the MIP lacks.
    """
    from importlib import resources

    path = Path(str(resources.files("mip") / "data" / "stephens2026-v10mip" / "v10mip_annual_bylat.csv.gz"))
    try:
        df = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise InputError(path, None, f"unreadable ({exc})", "the gzip CSV written by tools/make_v10mip_annual.py") from exc
    ds = df.set_index(["model", "experiment", "band", "year"]).to_xarray().rename(band="region")
    ds = ds.reindex(region=list(BANDS_10))
    attrs = {"units": "Pg yr-1", "reported_as": "C", "sign_convention": "positive = to the atmosphere"}
    for v in ("land", "ocean", "fossil"):
        ds[v].attrs.update(attrs)
    ds["total"] = (ds["land"] + ds["ocean"] + ds["fossil"]).assign_attrs(attrs, long_name="land + ocean + fossil")
    ds.attrs.update(source_file=str(path), product="OCO-2 v10 MIP zonal fluxes (Stephens et al. 2026), annual means")
    return ds

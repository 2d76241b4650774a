"""The GCP-CH4 global methane budget workbook (Saunois et al. 2020; the real file is bundled and checked in the tests).

``Global_Methane_Budget_2000_2017_v2.0_full.xlsx``: per period a TD (top-down, inversions) and a BU
(bottom-up) sheet; each holds blocks headed by a category label (``Wetlands - Posterior``, ...),
one row per run, one column per region (``GLOBAL``, three latitude bands, 18 regions), values in
Tg CH4/yr (``NA`` = not available). :func:`read_workbook` returns them as a Dataset with dims
``period``, ``model`` (run) and ``region``, one variable per category: a table, not gridded fluxes.
"""

from __future__ import annotations

import re
import functools
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import xarray as xr

from mip.errors import IncompleteWarning, InputError, MipError
from mip.io.workbook import read_sheets

__all__ = ["read_workbook", "bundled_workbook", "PERIODS", "TD_CATEGORIES", "BU_CATEGORIES"]

PERIODS = ("2000-2009", "2008-2017", "2017")
#: Workbook TD block label → canonical variable name.
TD_CATEGORIES = {
    "total sources - prior": "total_prior",
    "total sources - posterior": "total",
    "total natural sources - posterior": "total_natural",
    "total anthropogenic sources - posterior": "total_anthropogenic",
    "wetlands - posterior": "wetlands",
    "other natural sources - posterior": "other_natural",
    "agriculture and waste - posterior": "agriculture_waste",
    "fossil fuels - posterior": "fossil",
    "biomass and biofuel burning - posterior": "biomass_biofuel_burning",
    "soil sink - posterior": "soil_sink",
}
#: Workbook BU block label (normalised) → canonical variable name; labels vary between periods.
BU_CATEGORIES = {
    "total anthropogenic excl biomass burning": "total_anthropogenic_excl_biomass_burning",
    "biomass burning": "biomass_burning",
    "biofuel": "biofuel",
    "total fossil fuel": "fossil",
    "fossil fuel": "fossil",
    "coal mining": "coal_mining",
    "oil and gas": "oil_and_gas",
    "industry": "industry",
    "transport": "transport",
    "total agriculture and waste": "agriculture_waste",
    "agriculture and waste": "agriculture_waste",
    "landfills and waste": "landfills_waste",
    "enteric fermentation and manure": "enteric_fermentation_manure",
    "rice cultivation": "rice_cultivation",
    "wetland": "wetlands",
    "wetlands": "wetlands",
}


def bundled_workbook() -> Path:
    """Path of the real GCP-CH4 2020 workbook vendored with the package."""
    return Path(str(resources.files("mip") / "data" / "gcp-ch4-2020" /
                    "Global_Methane_Budget_2000_2017_v2.0_full.xlsx"))


def _snake(label: str) -> str:
    s = re.sub(r"[^0-9a-z]+", "_", label.lower().replace(" - posterior", "")).strip("_")
    return s


def _label_key(label: str) -> str:
    return " ".join(re.sub(r"[^a-z ]+", " ", label.lower()).split())


def _category(label: str, approach: str) -> str:
    key = _label_key(label)
    if approach == "TD":
        return TD_CATEGORIES.get(label.strip().lower(), _snake(label))
    return BU_CATEGORIES.get(key, _snake(label))


#: Text the workbook writes for "no value".
MISSING_TEXT = ("NA", "N/A", "", "-")


def _number(v: object, where: str = "", file: object = None, notes: list | None = None) -> float:
    """A cell's number: numbers as they are, the workbook's missing markers as NaN, other text refused.

    Text with a digit that is not a plain number, such as ``12O`` (a letter O) or ``1,234`` (a thousands
    separator or a decimal comma?), is not guessed at; text without any digit is no value, named in an
    :class:`~mip.errors.IncompleteWarning`.
    """
    if v is None:
        return np.nan
    if isinstance(v, bool):
        raise InputError(file, where, f"the boolean {v}", "a number")
    if isinstance(v, (int, float)):
        return float(v)
    s = str(v).strip()
    if s.upper() in MISSING_TEXT:
        return np.nan
    if not re.search(r"\d", s):  # no digit: no number was meant (the 2020 release has a stray 'à'); named
        if notes is not None:
            notes.append(f"{where}: {s!r}")
        return np.nan
    try:
        return float(s) if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", s) else _refuse(s, where, file)
    except ValueError:
        return _refuse(s, where, file)


def _refuse(text: str, where: str, file: object) -> float:
    raise InputError(file, where, f"the text {text!r} in a number cell",
                     f"a number, or one of {', '.join(repr(x) for x in MISSING_TEXT if x)} for no value")


def _parse_sheet(rows: list[tuple], sheet: str, file: Path, approach: str,
                 notes: list | None = None) -> tuple[list[str], dict]:
    """Blocks of a TD/BU sheet: region names and {category: {run: values}}."""
    regions: list[str] | None = None
    blocks: dict[str, dict[str, list[float]]] = {}
    labels: dict[str, str] = {}
    current: str | None = None
    for r in rows:
        cells = list(r)
        while cells and cells[-1] is None:
            cells.pop()
        if not cells:
            current = None
            continue
        if len(cells) > 2 and isinstance(cells[1], str) and cells[1].strip().lower() == "regions":
            names = [str(c).strip() for c in cells[2:] if c is not None]
            if regions is not None and names != regions:
                raise InputError(file, sheet, f"region header {names}", f"the same regions as above {regions}")
            regions = names
            continue
        if regions is None:
            continue
        if isinstance(cells[0], str) and len(cells) == 1:
            current = cells[0].strip()
            continue
        if current is not None and cells[0] is None and isinstance(cells[1], str) and len(cells) > 2:
            vals = [_number(v, f"{sheet}/{current}/{str(cells[1]).strip()}/{reg}", file, notes)
                    for v, reg in zip(cells[2:2 + len(regions)], regions)]
            vals += [np.nan] * (len(regions) - len(vals))
            key = _category(current, approach)
            labels.setdefault(key, current)
            run = re.sub(r"(?<=\d),(?=\d)", ".", str(cells[1]).strip())  # 'FINNv1,5' = 'FINNv1.5'

            if run in blocks.setdefault(key, {}):
                raise InputError(file, f"{sheet}/{current}", f"run {run!r} twice", "one row per run")
            blocks[key][run] = vals
    if regions is None or not blocks:
        raise InputError(file, sheet, "no 'Regions' header or no category blocks", "the GCP-CH4 sheet layout")
    return regions, {"blocks": blocks, "labels": labels}


def read_workbook(path: str | Path | None = None, *, approach: str = "TD",
                  periods: tuple[str, ...] = PERIODS) -> xr.Dataset:
    """Read the TD or BU sheets of a GCP-CH4 budget workbook.

    Parameters
    ----------
    path
        The workbook; default the bundled real 2020 release (:func:`bundled_workbook`).
    approach
        ``"TD"`` (inversions) or ``"BU"`` (bottom-up estimates).
    periods
        Periods whose sheets are read (``"2000-2009"``, ``"2008-2017"``, ``"2017"``).

    Returns
    -------
    xarray.Dataset
        Dims ``period``, ``model`` (run or estimate, with ``system`` = the part before
        ``/``), ``region``; one variable per category in ``Tg yr-1`` (``reported_as``
        ``CH4``); NaN where a run gives no value for a period, region or category.
        The workbook's category label is in each variable's ``workbook_label``.
    """
    approach = approach.upper()
    if approach not in ("TD", "BU"):
        raise MipError("approach must be 'TD' or 'BU'")
    path = Path(path) if path is not None else bundled_workbook()
    if not path.exists():
        raise InputError(path, None, "no such file", "the GCP-CH4 budget workbook (.xlsx)")
    st = path.stat()
    return _read_cached(str(path), st.st_size, st.st_mtime_ns, approach, tuple(periods)).copy(deep=True)


@functools.lru_cache(maxsize=8)
def _read_cached(path_s: str, _size: int, _mtime: int, approach: str, periods: tuple[str, ...]) -> xr.Dataset:
    """The workbook parsed once per process (file, size and time in the key); its notes warned once."""
    path = Path(path_s)
    names = [f"{period} {approach} budget" for period in periods]
    rows = read_sheets(path, names, "the GCP-CH4 budget workbook (.xlsx)", match_case=False)
    per_period, notes = {}, []
    for period, name in zip(periods, names):
        per_period[period] = _parse_sheet(rows[name], name, path, approach, notes)
    if notes:
        warnings.warn(f"{path}: text in number cells read as no value: {'; '.join(notes)}", IncompleteWarning,
                      stacklevel=4)
    regions = per_period[periods[0]][0]
    for p, (r, _) in per_period.items():
        if r != regions:
            raise InputError(path, f"{p} {approach} budget", f"regions {r}", f"regions {regions}")
    runs = sorted({run for _, b in per_period.values() for blk in b["blocks"].values() for run in blk})
    cats: dict[str, str] = {}
    for _, b in per_period.values():
        cats.update(b["labels"])
    ds = xr.Dataset(coords={"period": list(periods), "model": runs, "region": regions})
    for cat, label in cats.items():
        arr = np.full((len(periods), len(runs), len(regions)), np.nan)
        for i, p in enumerate(periods):
            blk = per_period[p][1]["blocks"].get(cat, {})
            for run, vals in blk.items():
                arr[i, runs.index(run)] = vals
        ds[cat] = (("period", "model", "region"), arr,
                   {"units": "Tg yr-1", "reported_as": "CH4", "workbook_label": label,
                    "native_units": "Tg CH4/yr", "source_file": str(path),
                    "product": "GCP-CH4", "product_version": "v2.0 (2020)", "native_name": label})
    ds = ds.assign_coords(system=("model", [r.split("/")[0] for r in runs]))
    ds.attrs.update({"approach": approach, "source_file": str(path), "product": "GCP-CH4 Global Methane Budget",
                     "product_version": "2000-2017 v2.0", "reference": "Saunois et al. (2020), ESSD 12, 1561-1623",
                     "sign_convention": "emissions and sinks as positive magnitudes, as in the workbook"})
    return ds

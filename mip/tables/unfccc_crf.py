"""UNFCCC greenhouse-gas inventories (CRF, Annex-I parties) as the UNFCCC data interface returns them (JSON).

Layout (real ``unfccc_total_noLULUCF_<gas>.json``, one gas per file, the gas named by the request, i.e. the
file name): ``{"columns": [{"id", "name"}], "data": [party], "generated"}``; ``columns`` maps ids to years —
id 0 is the party's "Base year" (not a calendar year: left out, kept as ``base_year``) and the last one is
named "Last Inventory Year (2019)"; each party has ``rows`` (the total without LULUCF, then sectors) with
``unitId`` 5 = kt and ``cells`` holding a ``numberValue`` or a notation key in ``stringValue`` ("NO", "NE",
"IE", "NA", or several): a notation key is not a zero — it becomes NaN, and the key is kept beside it.
Parties include the European Union (Convention, KP), groups never summed with countries.
"""

from __future__ import annotations

import gzip
import json
import re
from os import PathLike
from pathlib import Path

import numpy as np
import xarray as xr

from mip.errors import InputError

__all__ = ["read_unfccc_crf", "UNFCCC_UNITS"]

#: unitId of the data interface → units.
UNFCCC_UNITS = {5: "kt yr-1"}
_TOTAL = "total ghg emissions without lulucf"


def _year(name: str) -> int | None:
    m = re.fullmatch(r"\s*(\d{4})\s*", name) or re.search(r"\((\d{4})\)", name)
    return int(m.group(1)) if m else None


def _gas(path: Path, gas: str | None) -> str:
    """The gas given, or the one the file name names."""
    gas = (gas or next((g for g in ("CO2", "CH4", "N2O") if re.search(rf"(^|[_\-.]){g}([_\-.]|$)", path.stem,
                                                                         re.IGNORECASE)), "")).upper()
    if gas not in ("CO2", "CH4", "N2O"):
        raise InputError(path, "gas", f"file name {path.name!r} names no gas", "'..._CO2/CH4/N2O.json' or give gas=")
    return gas


def _load(path: Path) -> dict:
    """The interface's JSON (gzipped or not), with ``columns`` and ``data``."""
    try:
        data = path.read_bytes()
        raw = json.loads(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
        raw["columns"], raw["data"]  # noqa: B018  (both must be there)
    except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
        raise InputError(path, None, f"not the UNFCCC data-interface JSON ({type(exc).__name__}: {exc})",
                         "{columns, data, generated}") from None
    return raw


class _Columns:
    """The file's columns: which is the base year, which calendar year each other column is."""

    def __init__(self, path: Path, columns: list[dict]) -> None:
        self.path = path
        self.year = {c["id"]: _year(c["name"]) for c in columns}
        self.base_id = next((c["id"] for c in columns if c["name"].strip().lower() == "base year"), None)
        self.years = sorted(y for y in self.year.values() if y is not None)
        if not self.years or np.any(np.diff(self.years) != 1):
            raise InputError(path, "columns", f"years {self.years[:3]}...{self.years[-3:]}", "consecutive years")
        self.index = {y: k for k, y in enumerate(self.years)}

    def party(self, party: dict, sectors: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """(total per year, notation key per year, sectors × years, base-year total) of one party."""
        n_y = len(self.years)
        tot, keys = np.full(n_y, np.nan), np.full(n_y, "", dtype=object)
        sec = np.full((len(sectors), n_y), np.nan)
        base = np.nan
        if _TOTAL not in {r["name"].strip().lower() for r in party["rows"]}:
            raise InputError(self.path, party["name"], "no row 'Total GHG emissions without LULUCF'", "the total row")
        for r in party["rows"]:
            is_total = r["name"].strip().lower() == _TOTAL
            if r.get("unitId") not in UNFCCC_UNITS and r["cells"]:
                raise InputError(self.path, f"{party['name']}: {r['name']}", f"unitId {r.get('unitId')}", "5 (kt)")
            for c in r["cells"]:
                val = c.get("numberValue")
                if c["column"] == self.base_id and is_total and val is not None:
                    base = float(val)
                y = None if c["column"] == self.base_id else self.year.get(c["column"])
                if y is None:
                    continue
                v = np.nan if val is None else float(val)
                if is_total:
                    tot[self.index[y]] = v
                    keys[self.index[y]] = c.get("stringValue", "") if val is None else ""
                else:
                    sec[sectors.index(r["name"]), self.index[y]] = v
        return tot, keys, sec, base


def read_unfccc_crf(path: str | PathLike, gas: str | None = None) -> xr.Dataset:
    """Read one UNFCCC data-interface JSON file (a gas's totals and sectors per Annex-I party).

    Parameters
    ----------
    path
        The JSON file (gzipped or not).
    gas
        ``CO2``, ``CH4`` or ``N2O``; default from the file name (``..._CH4.json``).

    Returns
    -------
    xarray.Dataset
        ``<gas>`` (country, year) the total without LULUCF in ``kt yr-1`` of the gas; ``<gas>_sectors``
        (country, sector, year); ``<gas>_notation`` (country, year: the notation key where the total is one,
        else ""); ``base_year`` (country); ``<gas>_groups`` (group, year) for the European Union entries.

    Raises
    ------
    InputError
        Not the interface's layout; a gas that cannot be told; a party without the total row; units other
        than kt; a party name neither a country nor a group.
    """
    from mip.tables.country_names import map_names

    path = Path(path)
    gas = _gas(path, gas)
    raw = _load(path)
    parties = raw["data"]
    cols = _Columns(path, raw["columns"])
    years = cols.years
    mapping, groups, unmatched = map_names(p["name"] for p in parties)
    if unmatched:
        raise InputError(path, "name", f"parties that are neither a known country nor a group: {unmatched}",
                         "country names of the ISO table, or groups", "add them to mip.tables.country_names")
    sectors = list(dict.fromkeys(r["name"] for p in parties for r in p["rows"] if r["name"].strip().lower() != _TOTAL))
    n_y = len(years)
    countries = [p for p in parties if p["name"] in mapping]
    grp = [p for p in parties if p["name"] in groups]
    filled = [cols.party(p, sectors) for p in countries]
    attrs = {"units": "kt yr-1", "reported_as": gas, "source_file": str(path), "sign_convention": "emissions positive",
             "long_name": f"{gas} emissions without LULUCF (UNFCCC CRF)"}
    out = xr.Dataset(coords={"country": [mapping[p["name"]] for p in countries], "year": years, "sector": sectors,
                             "group": [p["name"] for p in grp]})
    out = out.assign_coords(name=("country", [p["name"] for p in countries]))
    out[gas] = (("country", "year"), np.array([f[0] for f in filled]).reshape(len(countries), n_y), attrs)
    out[f"{gas}_notation"] = (("country", "year"), np.array([f[1] for f in filled], dtype=str).reshape(len(countries), n_y))
    out[f"{gas}_sectors"] = (("country", "sector", "year"), np.array([f[2] for f in filled]), attrs)
    out["base_year"] = ("country", np.array([f[3] for f in filled]), {**attrs, "long_name": "the party's base year value"})
    out[f"{gas}_groups"] = (("group", "year"), np.array([cols.party(p, sectors)[0] for p in grp]).reshape(len(grp), n_y), attrs)
    out.attrs.update(source_file=str(path), product="UNFCCC CRF inventories (data interface)", gas=gas,
                     generated=str(raw.get("generated", "")), groups=", ".join(p["name"] for p in grp))
    return out

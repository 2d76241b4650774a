"""The checks: each rule is a small function adding findings to a context; none raises on bad data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from mip.checks.protocol import Protocol
from mip.checks.findings import Finding
from mip.errors import InputError
from mip.geometry.grid import cell_area, centre_bounds
from mip.conventions.reading import FluxReading, read_flux
from mip.conventions.sign import Sign
from mip.conventions.units import SECONDS_PER_YEAR, parse_native

__all__ = ["Context", "STRUCTURE_RULES", "rule_filename", "rule_data"]


@dataclass
class Context:
    """What the rules share for one file."""

    path: Path
    protocol: Protocol
    ds: xr.Dataset | None = None
    findings: list[Finding] = field(default_factory=list)
    time_dim: str | None = None
    months: list[tuple[int, int]] | None = None
    good_vars: list[str] = field(default_factory=list)
    totals: dict[str, np.ndarray] = field(default_factory=dict)  # per time step, Pg C/yr or Tg/yr (rule_data)
    readings: dict[str, FluxReading] = field(default_factory=dict)  # units, basis, sign: as the readers read them
    annual: list[dict] = field(default_factory=list)  # global totals per variable and year (rule_data)

    def add(self, rule: str, severity: str, variable: str | None, observed: str, expected: str, fix: str = "") -> None:
        """Record a finding."""
        self.findings.append(Finding(rule, severity, str(self.path), variable, observed, expected, fix))


def rule_filename(ctx: Context) -> None:
    """File name follows the protocol's pattern."""
    if not re.match(ctx.protocol.file_pattern, ctx.path.name):
        ctx.add("file.name", "error", None, f"file name {ctx.path.name!r}",
                ctx.protocol.file_pattern_help or f"a name matching {ctx.protocol.file_pattern}",
                "rename the file")


def rule_dims(ctx: Context) -> None:
    """Dimensions present with the right sizes (the time dimension may use a known alias, with a warning)."""
    ds, t = ctx.ds, ctx.protocol.time
    for d, size in ctx.protocol.dims.items():
        name = d
        if d == t.dim and d not in ds.dims:
            alias = next((a for a in t.dim_aliases if a in ds.dims), None)
            if alias:
                ctx.add("dims.name", "warning", alias, f"time dimension named {alias!r}", f"{d!r}",
                        f"rename the dimension {alias!r} to {d!r}")
                name = alias
        if name not in ds.dims:
            ctx.add("dims.missing", "error", d, "no such dimension", f"dimension {d!r} of size {size}",
                    f"add the {d!r} dimension")
            continue
        if d == t.dim:
            ctx.time_dim = name
        if ds.sizes[name] != size:
            ctx.add("dims.size", "error", d, f"size {ds.sizes[name]}", f"size {size}",
                    "regrid to the protocol's grid" if d != t.dim else f"submit {size} months")


def rule_coordinates(ctx: Context) -> None:
    """Coordinate values, order, spacing and units."""
    for name, spec in ctx.protocol.coordinates.items():
        if name not in ctx.ds.variables:
            ctx.add("coords.missing", "error", name, "no coordinate variable",
                    f"a 1-D {name} coordinate of {spec.size} cell centres", f"add {name} values")
            continue
        v = np.asarray(ctx.ds[name].values, dtype=float)
        if v.ndim != 1:
            ctx.add("coords.shape", "error", name, f"{v.ndim}-D", "1-D")
            continue
        if spec.orientation == "any":  # descending or 0-360 is fine: the readers reorient; the cells must match
            w = np.sort(((v + 180.0) % 360.0) - 180.0) if "lon" in name else np.sort(v)
            d = np.diff(w)
            if w.size > 1 and not np.allclose(d, abs(spec.step), atol=spec.tolerance):
                ctx.add("coords.spacing", "error", name, f"spacing {np.median(np.abs(d)):g}° "
                        f"({v.size} cells)", f"{spec.step:g}° ({spec.size} cells)", "regrid to the protocol's grid")
            elif w.size and abs(float(w[0]) - spec.first) > spec.tolerance:
                ctx.add("coords.first", "error", name, f"cell centres from {float(w[0]):g}", f"from {spec.first:g}",
                        "use cell centres of the protocol's grid")
        else:
            if v.size > 1:
                d = np.diff(v)
                if np.all(d < 0):
                    ctx.add("coords.order", "error", name, "descending values", "ascending values",
                            f"reverse the {name} axis (and the data along it), or declare orientation: any in the "
                            "protocol if the MIP accepts it")
                elif not np.allclose(d, spec.step, atol=spec.tolerance):
                    ctx.add("coords.spacing", "error", name, f"spacing {np.median(np.abs(d)):g}° "
                            f"({v.size} cells)", f"{spec.step:g}° ({spec.size} cells)", "regrid to the protocol's grid")
            lo = float(np.min(v)) if v.size else np.nan
            if "lon" in name and np.nanmax(v) > 180:
                ctx.add("coords.range", "error", name, f"values {np.nanmin(v):g}..{np.nanmax(v):g} (0-360)",
                        f"-180..180 starting at {spec.first:g}", "roll the longitudes to [-180, 180)")
            elif v.size and abs(lo - spec.first) > spec.tolerance and not np.all(np.diff(v) < 0):
                ctx.add("coords.first", "error", name, f"first cell centre {lo:g}", f"{spec.first:g}",
                        "use cell centres of the protocol's grid")
        units = ctx.ds[name].attrs.get("units")
        if spec.units and units not in spec.units:
            ctx.add("coords.units", "warning", name, f"units {units!r}", f"one of {spec.units}",
                    f"set {name}:units = {spec.units[0]!r}")


def _units_usable(ctx: Context, name: str, v: xr.DataArray) -> bool:
    """A flux's units: known, the protocol's quantity, spelled as the protocol does (False: an error was added)."""
    allowed = ctx.protocol.allowed_units(name)
    if not allowed or "units" not in v.attrs:
        return True
    got, gas = str(v.attrs["units"]), ctx.protocol.gas
    try:
        nu = parse_native(got, file=ctx.path, variable=name)
    except InputError:
        ctx.add("var.units", "error", name, f"unknown units {got!r}", _one_of(allowed),
                f"convert to {allowed[0]}, or add the spelling to the protocol's unit_spellings if it "
                "means a unit fluxmip knows")
        return False
    wants = [parse_native(u) for u in allowed]
    same = [u for u, w in zip(allowed, wants)
            if (nu.species or gas, nu.unit, nu.per_area) == (w.species or gas, w.unit, w.per_area)]
    if not same:
        ctx.add("var.units", "error", name, f"units {got!r}", _one_of(allowed),
                f"convert the values to {allowed[0]} and set units accordingly")
        return False
    if got not in allowed:
        ctx.add("var.units_spelling", "warning", name, f"units {got!r}", f"{same[0]!r} (same quantity)",
                f"write units = {same[0]!r}")
    return True


def _reading_usable(ctx: Context, name: str, v: xr.DataArray) -> bool:
    """The reader's own reading of a flux's units, basis and sign (one code path); False: an error was added."""
    try:
        r = read_flux(v.attrs, ctx.ds.attrs, gas=ctx.protocol.gas, convention=ctx.protocol.sign_convention,
                      convention_name=f"protocol {ctx.protocol.name}", file=ctx.path, variable=name)
    except InputError as exc:
        rule = "var.sign" if "sign" in exc.found else "var.basis" if "basis" in exc.expected or "mass" in \
            exc.found else "var.units"
        ctx.add(rule, "error", name, exc.found, exc.expected, exc.hint or "")
        return False
    ctx.readings[name] = r
    proto = 1 if ctx.protocol.sign_convention == "atmosphere" else -1
    if r.sign.factor != proto:
        ctx.add("var.sign_convention", "warning", name,
                f"{r.sign.source}: positive values {r.sign.words}; fluxmip will read them with that sign",
                f"the protocol's convention, positive {Sign(proto, '').words}",
                "if the values follow the protocol, the attribute is wrong: fix it (the global totals show "
                "which); otherwise convert the values and the attribute")
    return True


def rule_variables(ctx: Context) -> None:
    """Required variables with the right dims, types and units."""
    ds = ctx.ds
    rename = {ctx.time_dim: ctx.protocol.time.dim} if ctx.time_dim and ctx.time_dim != ctx.protocol.time.dim else {}
    for name, spec in ctx.protocol.variables.items():
        if name not in ds.variables:
            if spec.required:
                ctx.add("var.missing", "error", name, "no such variable", f"variable {name!r} {tuple(spec.dims)}",
                        f"add {name}")
            continue
        v = ds[name]
        dims = [rename.get(d, d) for d in v.dims]
        if dims != spec.dims:
            ctx.add("var.dims", "error", name, f"dims {tuple(v.dims)}", f"dims {tuple(spec.dims)}",
                    "transpose or rename the dimensions")
            continue
        if spec.kind == "integer" and not np.issubdtype(v.dtype, np.integer):
            ctx.add("var.dtype", "error", name, f"type {v.dtype}", "an integer type")
        if spec.kind != "flux":
            continue
        if not np.issubdtype(v.dtype, np.floating):
            ctx.add("var.dtype", "error", name, f"type {v.dtype}", "float32 or float64")
        for a in ctx.protocol.variable_attributes:
            if a not in v.attrs:
                allowed = ctx.protocol.allowed_units(name)
                ctx.add("var.attribute", "error", name, f"no {a!r} attribute",
                        f"units = {_one_of(allowed)}" if a == "units" and allowed else f"a {a!r} attribute",
                        f"set {name}:{a}")
        if not _units_usable(ctx, name, v) or ("units" in v.attrs and not _reading_usable(ctx, name, v)):
            continue
        ctx.good_vars.append(name)


def _one_of(allowed: list[str]) -> str:
    return repr(allowed[0]) if len(allowed) == 1 else "one of " + ", ".join(map(repr, allowed))


def rule_attributes(ctx: Context) -> None:
    """Required global attributes."""
    for a in ctx.protocol.global_attributes:
        if not str(ctx.ds.attrs.get(a, "")).strip():
            ctx.add("attr.missing", "error", None, f"no global attribute {a!r}", f"a non-empty {a!r}", f"add :{a}")


def _expected_months(ctx: Context) -> list[tuple[int, int]]:
    y0, m0 = (int(x) for x in ctx.protocol.time.first.split("-"))
    idx = y0 * 12 + m0 - 1 + np.arange(ctx.protocol.time.months)
    return [(int(i // 12), int(i % 12 + 1)) for i in idx]


def _compare_months(ctx: Context, got: list[tuple[int, int]], var: str) -> None:
    want = _expected_months(ctx)
    fmt = lambda k: f"{k[0]}-{k[1]:02d}"  # noqa: E731
    seen: dict[tuple[int, int], int] = {}
    for k in got:
        seen[k] = seen.get(k, 0) + 1
    dups = [k for k, n in seen.items() if n > 1]
    if dups:
        ctx.add("time.duplicate", "error", var, "duplicate month(s) " + ", ".join(map(fmt, sorted(dups))),
                "each month once", "remove the repeated time steps")
    missing = [k for k in want if k not in seen]
    if missing:
        ctx.add("time.missing", "error", var, f"{len(missing)} missing month(s): " + ", ".join(map(fmt, missing[:12]))
                + (" ..." if len(missing) > 12 else ""), f"{len(want)} months {fmt(want[0])}..{fmt(want[-1])}",
                "add the missing months")
    extra = sorted(k for k in seen if k not in want)
    if extra:
        ctx.add("time.extra", "error", var, "months outside the protocol period: " + ", ".join(map(fmt, extra[:6])),
                f"{fmt(want[0])}..{fmt(want[-1])}", "drop the extra months")
    if not dups and got != sorted(got):
        ctx.add("time.order", "error", var, "months out of order", "ascending months", "sort the time axis")


def rule_time(ctx: Context) -> None:
    """The time axis: start_date [y, m, d] or a CF time coordinate, covering exactly the protocol's months."""
    t, ds = ctx.protocol.time, ctx.ds
    if "time" in ds.variables and t.mode == "start_date":
        tv = ds["time"]
        if "units" not in tv.attrs and "units" not in tv.encoding:
            ctx.add("time.units", "warning", "time", f"a time variable of type {tv.dtype} without units",
                    "CF units such as 'days since 2015-01-01' (or no time variable: start_date carries the dates)",
                    "add time:units or drop the variable")
    if t.mode == "start_date":
        if t.variable not in ds.variables:
            ctx.add("time.start_date", "error", t.variable, "no such variable",
                    f"{t.variable}(time, date_component) = [year, month, day] of each month", f"add {t.variable}")
            return
        sd = np.asarray(ds[t.variable].values)
        if sd.ndim != 2 or sd.shape[1] < 2 or not np.all(np.isfinite(sd)):
            ctx.add("time.start_date", "error", t.variable, f"shape {sd.shape} or missing values",
                    "(months, 3) integers [year, month, day]")
            return
        got = [(int(a), int(b)) for a, b in sd[:, :2]]
        if sd.shape[1] > 2 and np.any(sd[:, 2] != 1):
            ctx.add("time.day", "warning", t.variable, "days other than the 1st (e.g. mid-month)",
                    "the first day of each month", "set day = 1")
    else:
        if t.variable not in ds.variables:
            ctx.add("time.missing_coordinate", "error", t.variable, "no time coordinate",
                    "a CF time coordinate", "add time with units 'days since ...'")
            return
        tv = ds[t.variable]
        if not (np.issubdtype(tv.dtype, np.datetime64) or tv.dtype == object):
            ctx.add("time.units", "error", t.variable, f"undecodable time (type {tv.dtype}, units "
                    f"{tv.attrs.get('units')!r})", "CF units such as 'days since 2000-01-01'", "set time:units")
            return
        got = list(zip(tv.dt.year.values.tolist(), tv.dt.month.values.tolist()))
        cal = tv.encoding.get("calendar", "standard")
        if cal not in (t.calendar, "standard", "gregorian", "proleptic_gregorian") and t.calendar == "standard":
            ctx.add("time.calendar", "error", t.variable, f"calendar {cal!r}", f"{t.calendar!r}")
    ctx.months = got
    _compare_months(ctx, got, t.variable)


STRUCTURE_RULES = (rule_dims, rule_coordinates, rule_variables, rule_attributes, rule_time)


def _areas(ctx: Context, da: xr.DataArray) -> np.ndarray | None:
    """Spherical cell areas in the file's own (lat, lon) order; None where the grid is not regular."""
    lat_d, lon_d = da.dims[-2], da.dims[-1]
    if lat_d not in ctx.ds.variables or lon_d not in ctx.ds.variables:
        return None
    lat = np.asarray(ctx.ds[lat_d].values, float)
    lon = np.asarray(ctx.ds[lon_d].values, float)
    try:
        a = cell_area(centre_bounds(np.sort(lat), name=lat_d, limits=(-90.0, 90.0)),
                      centre_bounds(np.sort(lon), name=lon_d))
    except InputError:  # an irregular axis is reported by rule_coordinates; no totals then
        return None
    return a[::-1] if lat.size > 1 and lat[0] > lat[-1] else a


def _stats_pass(ctx: Context, names: list[str], areas: dict[str, np.ndarray], block: int = 12) -> dict:
    """One pass over the time axis in blocks (numpy; each block read once from disk)."""
    p, ds = ctx.protocol, ctx.ds
    tdim = ctx.time_dim or p.time.dim
    nt = ds.sizes.get(tdim, 0)
    ids = [i for i in p.identities if all(v in names for v in [i.target, *i.terms])]
    ncell = int(np.prod([ds.sizes[d] for d in ds[names[0]].dims[-2:]])) if names else 0
    st = {n: {"nanmonth": np.zeros(nt, bool), "nancount": 0, "allzero": True, "total": np.zeros(nt),
              "nancells": np.zeros(ncell, bool)} for n in names}
    idres = {i.target: [0.0, 0] for i in ids}
    flat_area = {n: a.ravel().astype(ds[n].dtype if np.issubdtype(ds[n].dtype, np.floating) else "f8")
                 for n, a in areas.items()}
    for t0 in range(0, max(nt, 1), block):
        sl = {tdim: slice(t0, min(t0 + block, nt))}
        data = {n: np.asarray(ds[n].isel(sl).values) for n in names}  # native float32 stays float32
        for n, a in data.items():
            k = a.shape[0]
            flat = a.reshape(k, -1)
            s = st[n]
            area = flat_area.get(n)
            # a NaN anywhere in a month makes its area-weighted sum NaN: the NaN details are only
            # worked out for those months, so clean data costs one product and one any()
            probe = flat @ (area if area is not None else np.ones(flat.shape[1], flat.dtype))
            for r in np.nonzero(np.isnan(probe))[0]:
                nan_r = np.isnan(flat[r])
                s["nanmonth"][t0 + r] = bool(nan_r.all())
                if not s["nanmonth"][t0 + r]:  # a month with no data at all is reported as such, not cell by cell
                    s["nancount"] += int(nan_r.sum())
                    if nan_r.size == s["nancells"].size:
                        s["nancells"] |= nan_r
                if area is not None:
                    probe[r] = np.dot(np.where(nan_r, 0, flat[r]), area)
            if s["allzero"]:
                s["allzero"] = not np.nan_to_num(flat).any()
            if area is not None:
                s["total"][t0:t0 + k] = probe
        for i in ids:
            r = sum(data[v] for v in i.terms)
            np.subtract(data[i.target], r, out=r)
            np.abs(r, out=r)
            tol = np.abs(data[i.target]) * np.float32(i.rtol)
            tol += np.float32(i.atol)
            nbad = int(np.count_nonzero(r > tol))
            if nbad:
                finite = r[np.isfinite(r)]
                idres[i.target][0] = max(idres[i.target][0], float(finite.max()) if finite.size else 0.0)
                idres[i.target][1] += nbad
    return {"vars": st, "ids": idres}


def _annual_rows(name: str, tot: np.ndarray, w: np.ndarray, months: list[tuple[int, int]], unit: str,
                 r: FluxReading) -> list[dict]:
    """Global totals per calendar year: day-weighted means of the months, NaN for a year short of any."""
    if not months or len(months) != tot.size:
        return []
    rows = []
    years = sorted({y for y, _ in months})
    ym = np.array([y for y, _ in months])
    for y in years:
        sel = ym == y
        n = int(np.isfinite(tot[sel]).sum())
        value = float(np.sum(tot[sel] * w[sel]) / np.sum(w[sel])) if n == 12 else float("nan")
        rows.append({"variable": name, "year": int(y), "total": value, "unit": unit, "months": n,
                     "sign": r.sign.source, "basis": r.basis_source})
    return rows


def _surface_of(name: str, spec) -> str | None:
    from mip.regions.attribution import SURFACES

    return spec.surface or SURFACES.get(name)


def _file_land_fraction(ctx: Context, da: xr.DataArray) -> np.ndarray | None:
    """The Natural Earth land fraction of the file's cells, flattened in the file's own order."""
    from mip.regions.natural_earth import land_fraction

    lat_d, lon_d = da.dims[-2], da.dims[-1]
    if lat_d not in ctx.ds.variables or lon_d not in ctx.ds.variables:
        return None
    lat = np.asarray(ctx.ds[lat_d].values, float)
    lon = ((np.asarray(ctx.ds[lon_d].values, float) + 180.0) % 360.0) - 180.0
    ilat, ilon = np.argsort(lat), np.argsort(lon)
    try:
        lb = centre_bounds(lat[ilat], name=lat_d, limits=(-90.0, 90.0))
        ob = centre_bounds(lon[ilon], name=lon_d)
    except InputError:
        return None
    lf = np.asarray(land_fraction(lb, ob)).reshape(lat.size, lon.size)
    out = np.empty_like(lf)
    out[np.ix_(ilat, ilon)] = lf
    return out.ravel()


def _nan_cells(ctx: Context, name: str, spec, s: dict) -> None:
    """NaN cells off the variable's surface are fill values (zero flux, a note); on it, missing data (a warning)."""
    surface = _surface_of(name, spec)
    cells = s["nancells"]
    lf = _file_land_fraction(ctx, ctx.ds[name]) if surface in ("land", "ocean") and cells.any() else None
    if lf is None or lf.size != cells.size:
        ctx.add("data.nan_cells", "warning", name, f"{s['nancount']} NaN value(s) in {int(cells.sum())} cell(s)",
                "no missing values (0 where no flux)", "write 0 over cells with no flux, or declare the variable's "
                "surface (surface: land|ocean) so that NaN off it is read as a fill value")
        return
    off = lf <= 0.0 if surface == "land" else lf >= 1.0
    n_off, n_on = int((cells & off).sum()), int((cells & ~off).sum())
    other = "ocean" if surface == "land" else "land"
    if n_off:
        ctx.add("data.fill_off_surface", "note", name, f"NaN in {n_off} cell(s) of pure {other} (Natural Earth)",
                f"a {surface} flux: read as zero flux there (a fill value, not missing data)")
    if n_on:
        ctx.add("data.nan_cells", "warning", name, f"NaN in {n_on} cell(s) with {surface} in some months",
                f"values wherever there is {surface}",
                "missing data: the budgets leave these cells out and report each region's missing fraction; "
                "write the flux (0 where there is none)")


def _check_totals(ctx: Context, name: str, total: np.ndarray, nanmonth: np.ndarray, days: np.ndarray | None,
                  months: list[tuple[int, int]]) -> None:
    """A flux's global totals: kept for the report, within the protocol's range every year, of the expected sign."""
    p, r, spec = ctx.protocol, ctx.readings[name], ctx.protocol.variables[name]
    tot = total * r.factor * SECONDS_PER_YEAR * (1e-12 if r.basis == "C" else 1e-9)
    tot[nanmonth] = np.nan
    ctx.totals[name] = tot
    unit = "Pg C/yr" if r.basis == "C" else f"Tg {r.basis}/yr"
    w = days if days is not None and days.size == tot.size else np.ones_like(tot)
    ok = np.isfinite(tot)
    if not ok.any():
        return
    rows = _annual_rows(name, tot, w, months, unit, r)
    ctx.annual += rows
    annual = float(np.sum(tot[ok] * w[ok]) / np.sum(w[ok]))
    if spec.total_range:
        lo, hi = spec.total_range
        out = [x for x in rows if np.isfinite(x["total"]) and not lo <= x["total"] <= hi]
        if out:
            ctx.add("data.total_range", "error", name, "global total " + ", ".join(
                    f"{x['year']} {x['total']:+.3g}" for x in out[:6]) + (" ..." if len(out) > 6 else "")
                    + f" {unit} (positive = to the atmosphere)",
                    f"between {lo:g} and {hi:g} {unit} every year", "check units, sign and scaling")
        elif not rows or not any(np.isfinite(x["total"]) for x in rows):  # no whole year: the mean of what there is
            if not lo <= annual <= hi:
                ctx.add("data.total_range", "error", name, f"global mean total {annual:+.3g} {unit}",
                        f"between {lo:g} and {hi:g} {unit}", "check units, sign and scaling")
    for sg in p.sign:
        if sg.variable == name and ((sg.expected == "negative" and annual > 0) or
                                    (sg.expected == "positive" and annual < 0)):
            ctx.add("data.sign", "error", name, f"global mean total {annual:+.3g} {unit} (read with "
                    f"{r.sign.source}: positive values {r.sign.words})",
                    f"a {sg.expected} total ({sg.reason})",
                    "likely sign error: the values or their sign attribute are flipped; fluxmip reads positive "
                    "= to the atmosphere")


def rule_data(ctx: Context) -> None:
    """One pass over the data: NaN months, all-zero fields, global totals, sign, identities."""
    p, ds = ctx.protocol, ctx.ds
    names = list(ctx.good_vars)
    if not names:
        return
    areas = {}
    for n in names:
        a = _areas(ctx, ds[n])
        if a is not None and a.shape == ds[n].shape[-2:]:
            areas[n] = a
    res = _stats_pass(ctx, names, areas)
    months = ctx.months or []
    tdim = ctx.time_dim or p.time.dim
    days = None
    if months and len(months) == ds.sizes.get(tdim, 0):
        days = np.array([pd.Period(year=y, month=m, freq="M").days_in_month for y, m in months], float)
    for name in names:
        s = res["vars"][name]
        nm = s["nanmonth"]
        if nm.any():
            idx = np.nonzero(nm)[0]
            label = [f"{months[i][0]}-{months[i][1]:02d}" if i < len(months) else f"step {i}" for i in idx[:12]]
            ctx.add("data.nan_month", "error", name, f"all values NaN in {len(idx)} month(s): {', '.join(label)}",
                    "valid values in every month", "fill the missing months")
        spec = p.variables[name]
        if s["nancount"] and not nm.all():
            _nan_cells(ctx, name, spec, s)
        if s["allzero"]:
            ctx.add("data.all_zero", "error" if spec.not_all_zero else "warning", name, "every value is 0",
                    "a flux field", "check that the variable was written")
            continue
        if name not in areas or name not in ctx.readings:
            continue
        _check_totals(ctx, name, s["total"], nm, days, months)
    for idt in p.identities:
        if idt.target in res["ids"] and res["ids"][idt.target][1] > 0:
            mx, nbad = res["ids"][idt.target]
            ctx.add("data.identity", "error", idt.target,
                    f"{idt.target} differs from {' + '.join(idt.terms)} by up to {mx:.3g} in {nbad} value(s)",
                    f"{idt.target} = {' + '.join(idt.terms)} within {idt.atol:g} + {idt.rtol:g}·|{idt.target}|",
                    f"recompute {idt.target} from {', '.join(idt.terms)}")

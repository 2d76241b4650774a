"""CF conformance from the IOOS compliance-checker (its cf:1.8 suite runs offline)."""

from __future__ import annotations

import contextlib
import io
import re

from mip.checks.rules import Context

__all__ = ["rule_cf"]

_SUITE = None


def _suite():
    global _SUITE
    if _SUITE is None:
        from compliance_checker.runner import CheckSuite

        cs = CheckSuite()
        cs.load_all_available_checkers()
        _SUITE = cs
    return _SUITE


#: CF messages that xarray's defaults cause in files it writes, grouped into one note per file with the fix.
_XARRAY_DEFAULTS = (
    (re.compile(r"(?:coordinate|boundary) variable '([^']+)' (?:must|should) not have the _FillValue", re.I),
     "_FillValue on coordinates and bounds (xarray's default when writing)",
     "write them with encoding={{{enc}}}"),
)
#: Specific fixes for CF messages that have one (the rest name their CF section).
_FIXES = (
    (re.compile(r"datatype is int64", re.I), "store time as float64 or int32: "
     "encoding={'time': {'dtype': 'float64'}} (int64 is CF only from CF-1.9)"),
    (re.compile(r'units for (\w+), "([^"]+)" are not recognized by UDUNITS'),
     "a UDUNITS spelling such as 'mol m-2 s-1' or 'kg m-2 s-1' (with the basis in standard_name or long_name); "
     "the protocol's cf.ignore can accept the MIP's own spelling"),
    (re.compile(r"global attribute history", re.I), "add a global 'history' attribute saying how the file was made"),
    (re.compile(r"standard_name='time'|standard_name is highly recommended for variable time", re.I),
     "set time:standard_name = 'time' and time:long_name = 'time'"),
)


def _fix(text: str) -> str:
    for rx, fix in _FIXES:
        if rx.search(text):
            return fix
    section = re.match(r"(§[\d.]+)", text)
    return f"see CF-1.8 {section.group(1) if section else 'conventions'} (cfconventions.org)"


def rule_cf(ctx: Context) -> None:
    """Fold compliance-checker's failed CF checks (high and medium priority) into the report.

    Messages that a file written by xarray with its defaults always gets (``_FillValue`` on
    coordinates and bounds) are one note per file, with the encoding that avoids them; every other
    message is a finding of the protocol's CF severity, with a specific fix where there is one.
    """
    spec = ctx.protocol.cf
    if not spec.enabled:
        return
    try:
        cs = _suite()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            ds = cs.load_dataset(str(ctx.path))
            groups, errors = cs.run_all(ds, [spec.suite], skip_checks=[])[spec.suite]
    except Exception as exc:  # the checker itself failed on this file: say so, do not crash
        ctx.add("cf.checker", "warning", None, f"compliance-checker could not run ({type(exc).__name__}: {exc})",
                f"a file the {spec.suite} suite can read")
        return
    seen: set[str] = set()
    grouped: dict[int, list[str]] = {}
    for g in groups:
        if g.weight < 2 or g.value[0] >= g.value[1]:
            continue
        for msg in g.msgs or [f"{g.value[1] - g.value[0]} check(s) failed"]:
            text = f"{g.name}: {msg}"
            if any(i in text for i in spec.ignore) or text in seen:
                continue
            seen.add(text)
            hit = next(((k, m) for k, (rx, _, _) in enumerate(_XARRAY_DEFAULTS) if (m := rx.search(text))), None)
            if hit is not None:
                grouped.setdefault(hit[0], []).append(hit[1].group(1))
                continue
            ctx.add(f"cf.{spec.suite}", spec.severity, None, text, f"CF ({spec.suite}) conformance", _fix(text))
    for k, names in grouped.items():
        _, what, fix = _XARRAY_DEFAULTS[k]
        names = sorted(set(names))
        enc = ", ".join(f"{n!r}: {{'_FillValue': None}}" for n in names)
        ctx.add("cf.xarray_defaults", "note", None, f"{what}: {', '.join(names)}", f"CF ({spec.suite}) §2.5.1: none on "
                "coordinates or bounds", fix.format(enc=enc))
    for name, err in (errors or {}).items():
        ctx.add(f"cf.{spec.suite}", "warning", None, f"check {name} raised {err[0]!r}", "a completed CF check")

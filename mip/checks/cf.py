"""CF conformance from the IOOS compliance-checker (its cf:1.8 suite runs offline)."""

from __future__ import annotations

import contextlib
import io

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


def rule_cf(ctx: Context) -> None:
    """Fold compliance-checker's failed CF checks (high and medium priority) into the report."""
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
    for g in groups:
        if g.weight < 2 or g.value[0] >= g.value[1]:
            continue
        for msg in g.msgs or [f"{g.value[1] - g.value[0]} check(s) failed"]:
            text = f"{g.name}: {msg}"
            if any(i in text for i in spec.ignore) or text in seen:
                continue
            seen.add(text)
            ctx.add(f"cf.{spec.suite}", spec.severity, None, f"{g.name}: {msg}", f"CF ({spec.suite}) conformance",
                    "see the CF conventions section named")
    for name, err in (errors or {}).items():
        ctx.add(f"cf.{spec.suite}", "warning", None, f"check {name} raised {err[0]!r}", "a completed CF check")

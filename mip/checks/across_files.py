"""Several submissions checked together: each file's global totals against the other files' (robust statistics).

For every experiment and variable, each file's mean global total (positive = to the atmosphere,
over the calendar years every file of the experiment covers in full, else over its own years) is
compared with the **other** files of the experiment: its distance from their median in units of
their IQR/1.35 (the spread of a normal distribution the interquartile range implies; leave-one-out,
so a wrong file does not widen the yardstick it is judged by).  Beyond the protocol's ``ensemble.outlier``
(3 by default) the file is an outlier; an outlier of the opposite sign to the median whose negation
would lie within that distance is a **likely sign error**.  The comparison needs
``ensemble.min_files`` files of the experiment (4 by default: a median and quartiles of at least 3 others).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from mip.checks.protocol import Protocol
from mip.checks.findings import Finding, Report

__all__ = ["labels_of", "compare_files", "robust_distance"]


def labels_of(path: str | Path, protocol: Protocol) -> tuple[str, str]:
    """(model, experiment) of a file from the protocol's file pattern (``model``/``experiment`` groups).

    The file name's stem stands in for a model the pattern does not name; ``"all"`` for the experiment.
    """
    name = Path(path).name
    m = re.match(protocol.file_pattern, name)
    groups = m.groupdict() if m else {}
    return str(groups.get("model") or Path(path).stem), str(groups.get("experiment") or "all")


def robust_distance(x: float, others: np.ndarray) -> tuple[float, float, float]:
    """(median of ``others``, their IQR/1.35, the distance of ``x`` from the median in those units).

    Examples
    --------
    >>> med, spread, d = robust_distance(2.7, np.array([-2.5, -2.6, -2.4, -2.8]))
    >>> round(med, 2), round(spread, 3), round(d, 1)
    (-2.55, 0.13, 40.5)
    """
    o = np.asarray(others, float)
    med = float(np.median(o))
    q25, q75 = np.percentile(o, [25, 75])
    spread = float(q75 - q25) / 1.35
    d = (x - med) / spread if spread > 0 else (0.0 if x == med else np.inf * np.sign(x - med))
    return med, spread, float(d)


def _means(rows: list[dict]) -> dict[str, dict[str, tuple[float, str]]]:
    """Per experiment and variable: file → (mean total, the years it is over)."""
    out: dict[str, dict[str, tuple[float, str]]] = {}
    by_key: dict[tuple[str, str], dict[str, dict[int, float]]] = {}
    for r in rows:
        if np.isfinite(r["total"]):
            by_key.setdefault((r["experiment"], r["variable"]), {}).setdefault(r["file"], {})[r["year"]] = r["total"]
    for (exp, var), files in by_key.items():
        common = set.intersection(*(set(v) for v in files.values())) if files else set()
        res = {}
        for f, years in files.items():
            use = sorted(common) if common else sorted(years)
            span = f"{use[0]}" if len(use) == 1 else f"{use[0]}-{use[-1]}"
            res[f] = (float(np.mean([years[y] for y in use])), span)
        out[f"{exp}\0{var}"] = res
    return out


def compare_files(report: Report, protocol: Protocol) -> None:
    """Flag outliers and likely sign errors among a report's files (adds findings and ``report.ensemble``).

    Parameters
    ----------
    report
        A report whose ``totals`` are filled (:func:`mip.checks.check` does this).
    protocol
        For ``ensemble`` (thresholds, severities) and the units.
    """
    spec = protocol.ensemble
    unit_of = {(r["variable"]): r["unit"] for r in report.totals}
    label = {r["file"]: r["model"] for r in report.totals}
    for key, files in _means(report.totals).items():
        exp, var = key.split("\0")
        unit = unit_of.get(var, "")
        if len(files) < spec.min_files:
            for f, (x, span) in files.items():
                report.ensemble.append({"file": f, "model": label[f], "experiment": exp, "variable": var, "years": span,
                                        "total": x, "unit": unit, "median_others": np.nan, "spread_others": np.nan,
                                        "distance": np.nan, "flag": f"not compared (fewer than {spec.min_files} files)"})
            continue
        for f, (x, span) in files.items():
            others = np.array([v for g, (v, _) in files.items() if g != f])
            med, spread, d = robust_distance(x, others)
            flag = ""
            if abs(d) > spec.outlier:
                flipped = robust_distance(-x, others)[2]
                if np.sign(x) != np.sign(med) and med != 0 and abs(flipped) <= spec.outlier:
                    flag = "likely sign error"
                else:
                    flag = "outlier"
            report.ensemble.append({"file": f, "model": label[f], "experiment": exp, "variable": var, "years": span,
                                    "total": x, "unit": unit, "median_others": med, "spread_others": spread,
                                    "distance": d, "flag": flag})
            if not flag:
                continue
            what = f"{label[f]} {var} {x:+.2f} {unit} ({span} mean): {flag}"
            expected = (f"about {med:+.2f} {unit}, as the other {len(others)} files of {exp} (median; IQR/1.35 "
                        f"{spread:.2f}; this file is {d:+.1f} of those from it, beyond ±{spec.outlier:g})")
            fix = ("the values and their sign attribute disagree with the other groups: check the sign convention "
                   "(fluxmip reads positive = to the atmosphere; see the file's var.sign_convention finding if any)"
                   if flag == "likely sign error" else "check units, scaling and the variable's definition")
            sign = flag.startswith("likely")
            report.findings.append(Finding("ensemble.sign" if sign else "ensemble.outlier",
                                           spec.severity_sign if sign else spec.severity_outlier, f, var, what,
                                           expected, fix))

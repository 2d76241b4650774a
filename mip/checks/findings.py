"""Findings and the report that collects them, rendered as text, JSON or self-contained HTML."""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["Finding", "Report"]


@dataclass
class Finding:
    """One deviation from a protocol."""

    rule: str
    severity: str  # "error" | "warning" | "note" (a note never changes a file's status)
    file: str
    variable: str | None
    observed: str
    expected: str
    fix: str = ""

    def line(self) -> str:
        """One line for the terminal."""
        var = f" [{self.variable}]" if self.variable else ""
        fix = f" — fix: {self.fix}" if self.fix else ""
        return f"{self.severity.upper():7s} {self.rule}{var}: found {self.observed}; expected {self.expected}{fix}"


def _fmt(x: object) -> str:
    return f"{'':>8s}" if x is None else f"{'-':>8s}" if x != x else f"{x:+8.3f}"


@dataclass
class Report:
    """Every finding for every file checked against one protocol."""

    protocol: str
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: Global totals per file, variable and year (positive = to the atmosphere): ``file``, ``model``,
    #: ``experiment``, ``variable``, ``year``, ``total`` (NaN for a year short of months), ``unit``, ``months``.
    totals: list[dict] = field(default_factory=list)
    #: The ensemble comparison per file and variable (:func:`mip.checks.across_files.compare_files`).
    ensemble: list[dict] = field(default_factory=list)

    def of(self, file: str, severity: str | None = None) -> list[Finding]:
        """Findings of one file (optionally of one severity)."""
        return [f for f in self.findings if f.file == file and (severity is None or f.severity == severity)]

    @property
    def n_errors(self) -> int:
        """Number of error findings."""
        return sum(f.severity == "error" for f in self.findings)

    @property
    def n_warnings(self) -> int:
        """Number of warning findings."""
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def exit_code(self) -> int:
        """0 when every file conforms (warnings allowed), 1 when any error was found."""
        return 1 if self.n_errors else 0

    def status(self, file: str) -> str:
        """``conforms``, ``conforms (with warnings)`` or ``does not conform``."""
        if self.of(file, "error"):
            return "does not conform"
        return "conforms (with warnings)" if self.of(file, "warning") else "conforms"

    def summary_rows(self) -> list[dict]:
        """Per-file summary."""
        return [{"file": f, "errors": len(self.of(f, "error")), "warnings": len(self.of(f, "warning")),
                 "status": self.status(f)} for f in self.files]

    @property
    def n_notes(self) -> int:
        """Number of notes (facts worth knowing that need no action)."""
        return sum(f.severity == "note" for f in self.findings)

    def flags(self) -> list[str]:
        """One line per file and variable a coordinator acts on first: likely sign errors, outliers, sign rules.

        ``"Jena-CS ocean +2.70 Pg C/yr (2018-2019 mean): likely sign error"``.
        """
        out = [f.observed for f in self.findings if f.rule.startswith("ensemble.")]
        named = {(f.file, f.variable) for f in self.findings if f.rule.startswith("ensemble.")}
        out += [f"{Path(f.file).name} {f.variable}: {f.observed} — {f.fix.split(':')[0]}" for f in self.findings
                if f.rule == "data.sign" and (f.file, f.variable) not in named]
        return out

    def totals_table(self) -> list[dict]:
        """Per file and variable: the global total of each year and their mean (what the ensemble comparison used)."""
        rows: dict[tuple[str, str], dict] = {}
        for t in self.totals:
            r = rows.setdefault((t["file"], t["variable"]), {"model": t["model"], "experiment": t["experiment"],
                                                            "variable": t["variable"], "unit": t["unit"]})
            r[str(t["year"])] = t["total"]
        for e in self.ensemble:
            r = rows.get((e["file"], e["variable"]))
            if r is not None:
                r.update({"mean": e["total"], "years": e["years"], "distance": e["distance"], "flag": e["flag"]})
        return list(rows.values())

    def to_dict(self) -> dict:
        """Machine-readable form (the JSON output)."""
        return {"protocol": self.protocol,
                "summary": {"files": len(self.files), "errors": self.n_errors, "warnings": self.n_warnings,
                            "conforming_files": sum(not self.of(f, "error") for f in self.files)},
                "files": self.summary_rows(),
                "flags": self.flags(),
                "totals": [{k: (None if isinstance(v, float) and v != v else v) for k, v in t.items()}
                           for t in self.totals],
                "ensemble": [{k: (None if isinstance(v, float) and v != v else v) for k, v in e.items()}
                             for e in self.ensemble],
                "findings": [asdict(f) for f in self.findings]}

    def to_json(self) -> str:
        """JSON text."""
        return json.dumps(self.to_dict(), indent=2, allow_nan=False, default=float)

    def to_text(self) -> str:
        """Terminal text: the per-file summary, the flags, the global totals, then each file's findings."""
        out = [f"Protocol {self.protocol}: {len(self.files)} file(s), {self.n_errors} error(s), "
               f"{self.n_warnings} warning(s)" + (f", {self.n_notes} note(s)" if self.n_notes else ""), ""]
        width = max([len(f) for f in self.files] + [4])
        out.append(f"{'file':{width}s}  errors  warnings  status")
        for r in self.summary_rows():
            out.append(f"{r['file']:{width}s}  {r['errors']:6d}  {r['warnings']:8d}  {r['status']}")
        flags = self.flags()
        if flags:
            out += ["", "Flags:"] + [f"  {x}" for x in flags]
        table = self.totals_table()
        if table:
            years = sorted({k for r in table for k in r if k.isdigit()})
            wm, we, wv = (max(len(k), *(len(str(r[k])) for r in table)) for k in ("model", "experiment", "variable"))
            out += ["", "Global totals (positive = to the atmosphere; a year short of months has none):",
                    f"  {'model':{wm}s} {'experiment':{we}s} {'variable':{wv}s} " + " ".join(f"{y:>8s}" for y in years)
                    + f" {'mean':>8s}  unit         flag"]
            for r in table:
                cells = " ".join(_fmt(r.get(y)) for y in years)
                out.append(f"  {r['model']:{wm}s} {r['experiment']:{we}s} {r['variable']:{wv}s} {cells} "
                           f"{_fmt(r.get('mean'))}  {r['unit']:12s} {r.get('flag', '')}")
        for f in self.files:
            fs = self.of(f)
            if fs:
                out += ["", f"{f}:"] + ["  " + x.line() for x in fs]
        return "\n".join(out) + "\n"

    def to_html(self) -> str:
        """A self-contained HTML page (inline CSS, no scripts, nothing fetched)."""
        e = html.escape
        rows = "".join(
            f"<tr class='{'bad' if r['errors'] else 'ok'}'><td>{e(r['file'])}</td><td>{r['errors']}</td>"
            f"<td>{r['warnings']}</td><td>{e(r['status'])}</td></tr>" for r in self.summary_rows())
        sections = []
        for f in self.files:
            fs = self.of(f)
            if not fs:
                continue
            items = "".join(
                f"<tr class='{x.severity}'><td>{e(x.severity)}</td><td>{e(x.rule)}</td><td>{e(x.variable or '')}</td>"
                f"<td>{e(x.observed)}</td><td>{e(x.expected)}</td><td>{e(x.fix)}</td></tr>" for x in fs)
            sections.append(f"<h2>{e(f)}</h2><table><tr><th>severity</th><th>rule</th><th>variable</th>"
                            f"<th>found</th><th>expected</th><th>how to fix</th></tr>{items}</table>")
        flags = "".join(f"<li>{e(x)}</li>" for x in self.flags())
        flags = f"<h2>Flags</h2><ul class='flags'>{flags}</ul>" if flags else ""
        table = self.totals_table()
        totals = ""
        if table:
            years = sorted({k for r in table for k in r if k.isdigit()})
            head = "".join(f"<th>{y}</th>" for y in years)
            body = "".join(
                f"<tr class='{'bad' if r.get('flag', '').startswith(('likely', 'outlier')) else ''}'>"
                f"<td>{e(r['model'])}</td><td>{e(r['experiment'])}</td><td>{e(r['variable'])}</td>"
                + "".join(f"<td class='num'>{e(_fmt(r.get(y)).strip())}</td>" for y in years)
                + f"<td class='num'>{e(_fmt(r.get('mean')).strip())}</td><td>{e(r['unit'])}</td>"
                f"<td>{e(r.get('flag', ''))}</td></tr>" for r in table)
            totals = ("<h2>Global totals</h2><p>Per file and variable, positive = to the atmosphere, read with the "
                      "units, basis and sign the readers use; a year short of months has no total. Mean: over the "
                      "years every file of the experiment covers; flag: against the other files (median and "
                      "IQR/1.35).</p><table><tr><th>model</th><th>experiment</th><th>variable</th>"
                      f"{head}<th>mean</th><th>unit</th><th>flag</th></tr>{body}</table>")
        css = ("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
               "td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;font-size:13px}"
               "tr.bad td,tr.error td:first-child{color:#b00020;font-weight:bold}tr.ok td{color:#1b5e20}"
               "tr.warning td:first-child{color:#a15c00}tr.note td:first-child{color:#555}td.num{text-align:right;"
               "font-variant-numeric:tabular-nums}ul.flags li{color:#b00020;font-weight:bold}")
        return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>fluxmip check: {e(self.protocol)}</title>"
                f"<style>{css}</style></head><body><h1>Submission check against {e(self.protocol)}</h1>"
                f"<p>{len(self.files)} file(s), {self.n_errors} error(s), {self.n_warnings} warning(s), "
                f"{self.n_notes} note(s).</p>"
                f"<table><tr><th>file</th><th>errors</th><th>warnings</th><th>status</th></tr>{rows}</table>"
                f"{flags}{totals}{''.join(sections)}</body></html>\n")

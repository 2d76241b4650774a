"""Findings and the report that collects them, rendered as text, JSON or self-contained HTML."""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field

__all__ = ["Finding", "Report"]


@dataclass
class Finding:
    """One deviation from a protocol."""

    rule: str
    severity: str  # "error" | "warning"
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


@dataclass
class Report:
    """Every finding for every file checked against one protocol."""

    protocol: str
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

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

    def to_dict(self) -> dict:
        """Machine-readable form (the JSON output)."""
        return {"protocol": self.protocol,
                "summary": {"files": len(self.files), "errors": self.n_errors, "warnings": self.n_warnings,
                            "conforming_files": sum(not self.of(f, "error") for f in self.files)},
                "files": self.summary_rows(),
                "findings": [asdict(f) for f in self.findings]}

    def to_json(self) -> str:
        """JSON text."""
        return json.dumps(self.to_dict(), indent=2)

    def to_text(self) -> str:
        """Terminal text: a per-file summary table, then each file's findings."""
        out = [f"Protocol {self.protocol}: {len(self.files)} file(s), {self.n_errors} error(s), "
               f"{self.n_warnings} warning(s)", ""]
        width = max([len(f) for f in self.files] + [4])
        out.append(f"{'file':{width}s}  errors  warnings  status")
        for r in self.summary_rows():
            out.append(f"{r['file']:{width}s}  {r['errors']:6d}  {r['warnings']:8d}  {r['status']}")
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
        css = ("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
               "td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;font-size:13px}"
               "tr.bad td,tr.error td:first-child{color:#b00020;font-weight:bold}tr.ok td{color:#1b5e20}"
               "tr.warning td:first-child{color:#a15c00}")
        return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>fluxmip check: {e(self.protocol)}</title>"
                f"<style>{css}</style></head><body><h1>Submission check against {e(self.protocol)}</h1>"
                f"<p>{len(self.files)} file(s), {self.n_errors} error(s), {self.n_warnings} warning(s).</p>"
                f"<table><tr><th>file</th><th>errors</th><th>warnings</th><th>status</th></tr>{rows}</table>"
                f"{''.join(sections)}</body></html>\n")

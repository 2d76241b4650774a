"""The report page: sections, readable tables and captioned figures, one self-contained HTML file.

Every table of every section goes through :meth:`Page.table`: numbers to three significant figures in
fixed notation (never ``1.61e+04``), units in the column headers (and the CSV beside it, written in
full precision), long tables folded into a plain ``<details>`` element with their CSV linked.  Every
figure goes through :meth:`Page.figure` with a caption, which must name the period and the units.
Region labels are shortened by :func:`short_label` (no file paths; the full provenance is printed
once, in the provenance section).  The page has no scripts and fetches nothing.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from mip.io import atomic_write, safe_name

__all__ = ["Page", "fmt", "short_label", "units_label", "safe_name", "CAPTION_UNITS"]

_CSS = ("body{font-family:sans-serif;margin:1.5em auto;max-width:1180px;padding:0 16px;color:#222;line-height:1.35}"
        "h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}"
        "table{border-collapse:collapse;margin:.6em 0;font-size:12px;max-width:100%}"
        "td,th{border:1px solid #ccc;padding:3px 6px;overflow-wrap:break-word}td{overflow-wrap:anywhere}"
        "td:first-child{white-space:nowrap}td.n{text-align:right;"
        "font-variant-numeric:tabular-nums;white-space:nowrap}th{background:#f3f3f3;text-align:center}"
        "caption{caption-side:top;text-align:left;font-weight:bold;padding:.3em 0}"
        "figure{margin:1em 0}figure img{max-width:100%;border:1px solid #eee}figcaption{font-size:13px;color:#333}"
        "details{margin:.6em 0}summary{cursor:pointer;color:#1a4f8b}.note{color:#555;font-size:13px}"
        ".bad{color:#b00020;font-weight:bold}.ok{color:#1b5e20}.flag{color:#b00020}"
        "td.bad{background:#fdecee}td.ok{background:#eef7ee}code{background:#f6f6f6}nav a{margin-right:1em}")

#: Unit strings a figure caption may name (the browser test looks for one).
CAPTION_UNITS = ("Pg C yr-1", "Tg CH4 yr-1", "Tg N yr-1", "Tg CO2-eq yr-1", "g C m-2 yr-1", "ppm", "Pg C yr-1 per year")


def fmt(x: object) -> str:
    """A number to three significant figures in fixed notation; integers as they are; NaN as an en dash.

    Examples
    --------
    >>> fmt(16123.4), fmt(0.000123456), fmt(-2.549), fmt(12), fmt(float("nan")), fmt(True)
    ('16100', '0.000123', '-2.55', '12', '–', 'True')
    """
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (float, np.floating)):
        v = float(x)
        if math.isnan(v):
            return "–"
        if math.isinf(v):
            return "∞" if v > 0 else "−∞"
        if v == 0:
            return "0"
        out = np.format_float_positional(v, precision=3, unique=False, fractional=False, trim="-")
        return out.rstrip(".")
    return str(x)


_PATH = re.compile(r"(?<!\w)(?:[A-Za-z]:)?(?:[\\/][^\s\\/(),;]+)+[\\/]?|\S+\.(?:nc|nc4|shp|gpkg|geojson|csv|xlsx)\b")


def short_label(text: object) -> str:
    """A region or region-set label for tables and axes: no file paths, no parenthesised provenance.

    Examples
    --------
    >>> short_label("unattributed (land/ocean from the country polygons of bundled Natural Earth 1:50m)")
    'unattributed (land-ocean)'
    >>> short_label("RECCAP2 basins (/x/mip/data/RECCAP2_region_masks_all_v20221025.nc)")
    'RECCAP2 basins'
    """
    s = str(text)
    m = re.match(r"^unattributed \((.*)\)$", s)
    if m:
        return f"unattributed ({short_label(m.group(1))})"
    s = re.sub(r"\s*\([^()]*\)", "", s)          # parenthesised provenance
    s = s.split(" from ")[0]                     # "land/ocean from the country polygons ..."
    s = _PATH.sub(lambda p: re.split(r"[\\/]", p.group(0).rstrip("/\\"))[-1] if "." in p.group(0) else "", s)
    s = s.replace("/", "-").replace("\\", "-")
    s = re.sub(r"\s+", " ", s).strip(" ,;")
    return s or "regions"


def units_label(units: str, basis: str | None = None) -> str:
    """``Pg yr-1`` + basis ``C`` → ``Pg C yr-1`` (the basis stated, as every header must)."""
    from mip.conventions.units import basis_units

    return basis_units(units, basis)


class Page:
    """An HTML page being built: sections, paragraphs, tables, figures.

    Parameters
    ----------
    out
        The report folder (``figures/`` and ``tables/`` are written inside it).
    """

    def __init__(self, out: Path) -> None:
        self.out, self.parts, self.tables = Path(out), [], []
        self.sections: list[tuple[str, str]] = []
        self._summary_at: int | None = None

    def inside(self, path: Path) -> Path:
        """``path``, checked to resolve inside the report folder (a planted ``figures -> /elsewhere`` link is refused).

        Raises
        ------
        InputError
            Naming the path and where it leads.
        """
        from mip.errors import InputError

        root = self.out.resolve()
        where = path.resolve()
        if root not in where.parents:
            raise InputError(path, None, f"a path that leads outside the report folder (to {where})",
                             f"a file inside {root}")
        return path

    # --- structure -------------------------------------------------------------------------------
    def h2(self, title: str) -> None:
        """A section heading (listed in the page's contents)."""
        anchor = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        self.sections.append((anchor, title))
        self.parts.append(f"<h2 id='{anchor}'>{html.escape(title)}</h2>")

    def h3(self, title: str) -> None:
        """A sub-heading."""
        self.parts.append(f"<h3>{html.escape(title)}</h3>")

    def p(self, text: str, cls: str = "note") -> None:
        """A paragraph (escaped)."""
        self.parts.append(f"<p class='{html.escape(cls)}'>{html.escape(text)}</p>")

    def items(self, lines: list[str], cls: str = "flag") -> None:
        """A list of lines (escaped)."""
        if lines:
            self.parts.append(f"<ul class='{html.escape(cls)}'>" + "".join(f"<li>{html.escape(x)}</li>" for x in lines)
                              + "</ul>")

    def summary_here(self) -> None:
        """Mark where :meth:`insert_summary` will put the summary (the top of the page)."""
        self._summary_at = len(self.parts)

    def insert_summary(self, captured: "_Capture") -> None:
        """Put a captured block (the summary section) at the mark, its headings first in the contents."""
        at = self._summary_at if self._summary_at is not None else 0
        self.parts[at:at] = captured.parts
        self.sections[0:0] = captured.sections

    def capture(self) -> "_Capture":
        """``with page.capture() as c: ...`` collects what the block adds into ``c`` instead of the page.

        ``c.parts`` holds the block's HTML, ``c.sections`` its headings; :meth:`add` puts them on the page.
        """
        return _Capture(self)

    def add(self, captured: "_Capture") -> None:
        """Put what a :meth:`capture` block collected here, headings listed in the contents in this place."""
        self.parts.extend(captured.parts)
        self.sections.extend(captured.sections)

    # --- content ---------------------------------------------------------------------------------
    def table(self, df: pd.DataFrame, name: str, caption: str, *, units: str | dict[str, str] | None = None,
              collapse: bool | None = None, max_rows: int = 14, classes: dict[str, pd.Series] | None = None) -> None:
        """A table: CSV beside the page (full precision), HTML with three significant figures.

        Parameters
        ----------
        df
            The table.
        name
            File stem of the CSV (``tables/<name>.csv``).
        caption
            What the table is.
        units
            One unit for every float column, or ``{column: unit}``; shown in the headers (and the CSV's).
        collapse
            Fold the table into ``<details>`` (default: when it has more than ``max_rows`` rows).
        max_rows
            See ``collapse``.
        classes
            ``{column: Series of CSS classes}`` for cells (``"bad"``, ``"ok"``).
        """
        df = df.copy()
        name = safe_name(name)
        if "region" in df.columns:
            df["region"] = df["region"].map(short_label)
        heads = {}
        for c in df.columns:
            u = units.get(c) if isinstance(units, dict) else (units if units and pd.api.types.is_float_dtype(df[c])
                                                                 else None)
            heads[c] = f"{c} ({u})" if u else str(c)
        csv = self.inside(self.out / "tables" / f"{name}.csv")
        with atomic_write(csv) as tmp:
            df.rename(columns=heads).to_csv(tmp, index=False, float_format="%.6g")
        self.tables.append(csv)
        head = "".join(f"<th>{html.escape(heads[c])}</th>" for c in df.columns)
        rows = []
        for i in range(len(df)):
            cells = []
            for j, c in enumerate(df.columns):
                v = df.iat[i, j]  # each column's own type (a row of iterrows turns integers into floats)
                num = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
                cls = ["n"] if num else []
                if classes and c in classes:
                    extra = classes[c].iloc[i]
                    if extra:
                        cls.append(str(extra))
                attr = f" class='{' '.join(cls)}'" if cls else ""
                cells.append(f"<td{attr}>{html.escape(fmt(v))}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        link = f"<a href='tables/{html.escape(csv.name)}'>CSV</a>"
        body = f"<table><tr>{head}</tr>{''.join(rows)}</table>"
        fold = collapse if collapse is not None else len(df) > max_rows
        if fold:
            self.parts.append(f"<details><summary>{html.escape(caption)} — {len(df)} rows ({link})</summary>{body}"
                              "</details>")
        else:
            self.parts.append(f"<table><caption>{html.escape(caption)} ({link})</caption><tr>{head}</tr>"
                              f"{''.join(rows)}</table>")

    def figure(self, fig, name: str, caption: str) -> None:
        """A figure saved as ``figures/<name>.png`` with its caption (variable, period, units, sign, members).

        ``fig`` is a figure or a drawing (``functools.partial(draw, data, ...)`` returning one), which the
        figure process builds as well as renders (:mod:`mip.io.figure_worker`).
        """
        from mip.report import figures as F

        name = safe_name(name)
        F.save(fig, self.inside(self.out / "figures" / f"{name}.png"))
        self._figure_html(f"figures/{name}.png", caption)

    def image(self, path: Path, caption: str) -> None:
        """An image already written inside the report folder, with its caption."""
        self._figure_html(Path(path).relative_to(self.out).as_posix(), caption)

    def _figure_html(self, src: str, caption: str) -> None:
        from urllib.parse import quote

        self.parts.append(f"<figure><img src='{html.escape(quote(src))}' alt='{html.escape(caption)}'>"
                          f"<figcaption>{html.escape(caption)}</figcaption></figure>")

    # --- output ----------------------------------------------------------------------------------
    def write(self, title: str) -> Path:
        """Write ``index.html`` (atomically) with a table of contents."""
        nav = "<nav>" + "".join(f"<a href='#{a}'>{html.escape(t)}</a>" for a, t in self.sections) + "</nav>"
        page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><meta name='viewport' "
                f"content='width=device-width'><title>{html.escape(title)}</title><style>{_CSS}</style></head>"
                f"<body><h1>{html.escape(title)}</h1>{nav}{''.join(self.parts)}</body></html>\n")
        p = self.out / "index.html"
        with atomic_write(p) as tmp:
            tmp.write_text(page)
        return p


class _Capture:
    def __init__(self, page: Page) -> None:
        self.page, self.parts, self.sections = page, [], []

    def __enter__(self) -> "_Capture":
        self._saved = self.page.parts, self.page.sections
        self.page.parts, self.page.sections = self.parts, self.sections
        return self

    def __exit__(self, *exc) -> None:
        self.page.parts, self.page.sections = self._saved

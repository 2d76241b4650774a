"""Conclusion (b): have several countries, Japan among them, cut CH4 and N2O emissions substantially?

Usage::

    python analyses/national_reductions.py --out DIR [--first 1990] [--last 2018] [--focus JPN,DEU,GBR]
        [--inventories DIR]

Reads the UNFCCC CRF JSON, EDGAR v6.0 and OWID/Jones tables (default the bundled copies; ``--inventories`` a folder
with ``unfccc_total_noLULUCF_<gas>.json``, ``v60_<gas>_1970_2018_totals.csv`` and ``ghg-emissions-by-gas.csv``, in it
or in folders below it) and
writes ``DIR/national_changes.csv`` (every country, source and gas: % change, trend, Theil-Sen, p),
``DIR/largest_reductions.csv``, ``DIR/source_comparison.csv`` (EDGAR against the inventory: level ratio and
changes), ``DIR/topdown_vs_inventories.csv`` (GCP-CH4 top-down beside them) and ``DIR/reductions.png``. Prints the
focus countries' changes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mip.errors import MipError
from mip.io import atomic_write


def _figure(changes, focus):
    import matplotlib.pyplot as plt

    sub = changes[changes.country.isin(focus)]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    for ax, gas in zip(axes, ("CH4", "N2O")):
        t = sub[sub.gas == gas]
        sources = list(dict.fromkeys(t.source))
        w = 0.8 / max(len(sources), 1)
        for k, s in enumerate(sources):
            r = t[t.source == s].set_index("country").reindex(focus)
            ax.bar([i + (k - (len(sources) - 1) / 2) * w for i in range(len(focus))], r.change_pct, w,
                   label=s.rsplit(" ", 1)[0])
        ax.set_xticks(range(len(focus)), focus)
        ax.axhline(0, color="k", lw=0.6)
        ax.set_title(f"{gas}, {int(t['first'].iloc[0])}-{int(t['last'].iloc[0])}")
    axes[0].set_ylabel("change (%)")
    axes[1].legend(fontsize=7)
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> int:
    """Run the analysis; see the module docstring."""
    from mip.budgets.inventory_trends import change_table, compare_sources, largest_reductions, topdown_vs_inventories
    from mip.tables.gcp_ch4_workbook import read_workbook
    from mip.report.figures import save
    from mip.report.national_sections import bundled_inventories, reduction_conclusion
    from mip.report.three_gas import GCP_CH4_COUNTRIES
    from mip.tables.edgar import read_edgar
    from mip.tables.owid_ghg import read_owid_ghg
    from mip.tables.unfccc_crf import read_unfccc_crf

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--first", type=int, default=1990)
    ap.add_argument("--last", type=int, default=2018)
    ap.add_argument("--focus", default="JPN", help="ISO alpha-3 codes, comma separated (default JPN)")
    ap.add_argument("--inventories", type=Path, default=None, help="folder of the three sources (default: bundled)")
    a = ap.parse_args(argv)
    focus = [c.strip().upper() for c in a.focus.split(",") if c.strip()]
    try:
        if a.inventories is None:
            inv = bundled_inventories()
        else:
            def find(name: str) -> Path:  # in the folder or any folder below it (the shared data's layout)
                hits = [a.inventories / name] if (a.inventories / name).is_file() else \
                    sorted(a.inventories.rglob(name))
                if not hits:
                    raise MipError(f"--inventories {a.inventories}: no {name} in it or below it")
                return hits[0]

            owid = read_owid_ghg(find("ghg-emissions-by-gas.csv"))
            inv = {g: {"UNFCCC CRF": read_unfccc_crf(find(f"unfccc_total_noLULUCF_{g}.json"))[g],
                       "EDGAR v6.0": read_edgar(find(f"v60_{g}_1970_2018_totals.csv"))[g],
                       "OWID/Jones": owid[g]} for g in ("CH4", "N2O")}
        import pandas as pd

        changes = pd.concat([change_table({f"{s} {g}": da for s, da in inv[g].items()}, first=a.first, last=a.last)
                             .assign(gas=g) for g in ("CH4", "N2O")], ignore_index=True)
        unknown = [c for c in focus if c not in set(changes.country)]
        if unknown:
            raise MipError(f"--focus: no source has {unknown}")
        comp = pd.concat([compare_sources(inv[g]["UNFCCC CRF"], inv[g]["EDGAR v6.0"], labels=("CRF", "EDGAR"),
                                          years=(a.first, a.last)).assign(gas=g) for g in ("CH4", "N2O")])
        td = topdown_vs_inventories(read_workbook(approach="TD"),
                                    {k: inv["CH4"][k] for k in ("UNFCCC CRF", "EDGAR v6.0")}, GCP_CH4_COUNTRIES)
    except MipError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    a.out.mkdir(parents=True, exist_ok=True)
    for name, df in (("national_changes", changes), ("largest_reductions", largest_reductions(changes)),
                     ("source_comparison", comp), ("topdown_vs_inventories", td)):
        with atomic_write(a.out / f"{name}.csv") as tmp:
            df.to_csv(tmp, index=False, float_format="%.6g")
    save(_figure(changes, focus), a.out / "reductions.png")
    print(reduction_conclusion(changes[changes.country.isin(focus)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

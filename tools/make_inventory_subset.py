"""Vendor the national inventories the stocktake compares: UNFCCC CRF and EDGAR v6.0 (CH4, N2O) gzipped with their
bytes unchanged, and the OWID/Jones rows from 1990 on (lines unchanged, gzipped).

``tests/test_inventories.py`` checks that every bundled file decompresses to the real file (or, for OWID, to its
header and a subset of its lines).

Usage: ``python tools/make_inventory_subset.py [path/to/national-emissions]``
"""

import gzip
import sys
from pathlib import Path

if __name__ == "__main__":
    here = Path(__file__).resolve().parents[1]
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else here.parent / "shared" / "data" / "national-emissions"
    out = here / "mip" / "data" / "national-inventories"
    out.mkdir(exist_ok=True)
    for gas in ("CH4", "N2O"):
        for rel in (f"unfccc-crf-annex1/unfccc_total_noLULUCF_{gas}.json", f"edgar-v6/v60_{gas}_1970_2018_totals.csv"):
            f = src / rel
            (out / (f.name + ".gz")).write_bytes(gzip.compress(f.read_bytes(), mtime=0))
    lines = (src / "owid-jones" / "ghg-emissions-by-gas.csv").read_bytes().splitlines(keepends=True)
    keep = [ln for ln in lines[1:] if int(ln.decode("utf-8").rsplit(",", 4)[-4]) >= 1990]
    (out / "ghg-emissions-by-gas-1990.csv.gz").write_bytes(gzip.compress(b"".join(lines[:1] + keep), mtime=0))
    for p in sorted(out.glob("*.gz")):
        print(f"{p.name}: {p.stat().st_size} bytes")

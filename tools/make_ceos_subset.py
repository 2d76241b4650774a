"""Vendor the rows of the CEOS pilot country file that the three-gas stocktake needs, bytes unchanged.

Keeps the file's 53 header lines and every row of the countries whose CH4 the GCP-CH4 2020 workbook
reports as a region of its own (USA, Canada, Brazil, China, Russia) and of Korea and Japan (the
workbook's ``Korean Japan``). ``tests/test_multigas.py`` checks that every bundled line is a line
of the real file.

Usage: ``python tools/make_ceos_subset.py [pilot_topdown_CO2_Budget_countries_v1.csv]``
"""

import sys
from pathlib import Path

KEEP = ("USA", "CAN", "BRA", "CHN", "RUS", "KOR", "JPN")

if __name__ == "__main__":
    here = Path(__file__).resolve().parents[1]
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        here.parent / "shared" / "data" / "ceos-pilot-2023" / "pilot_topdown_CO2_Budget_countries_v1.csv"
    lines = src.read_bytes().split(b"\r\n")
    head = next(i for i, ln in enumerate(lines) if ln.startswith(b"Alpha 3 Code,"))
    rows = [ln for ln in lines[head + 1:] if ln.split(b",", 1)[0].decode() in KEEP]
    out = here / "mip" / "data" / "ceos-pilot-2023" / src.name
    out.write_bytes(b"\r\n".join(lines[:head + 1] + rows) + b"\r\n")
    print(f"written {out} ({out.stat().st_size} bytes, {len(rows)} rows)")

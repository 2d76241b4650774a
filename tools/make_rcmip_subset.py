"""Vendor the CO2, CH4 and N2O rows of the RCMIP SSP concentration file, lines unchanged.

Keeps (gzipped) the header line and the ``Atmospheric Concentrations|CO2``, ``|CH4`` and ``|N2O`` rows of every
scenario (30 of the file's 430 rows); ``tests/test_scenarios.py`` checks that every bundled line is a line
of the real file.

Usage: ``python tools/make_rcmip_subset.py [rcmip-concentrations-annual-means-5-1-0-ssp-only.csv]``
"""

import gzip
import sys
from pathlib import Path

KEEP = tuple(f",Atmospheric Concentrations|{g},".encode() for g in ("CO2", "CH4", "N2O"))

if __name__ == "__main__":
    here = Path(__file__).resolve().parents[1]
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        here.parent / "shared" / "data" / "ssp-concentrations" / "rcmip-concentrations-annual-means-5-1-0-ssp-only.csv"
    lines = src.read_bytes().splitlines(keepends=True)
    rows = [ln for ln in lines[1:] if any(k in ln for k in KEEP)]
    out = here / "mip" / "data" / "rcmip-ssp" / "rcmip-concentrations-ssp-co2-ch4-n2o.csv.gz"
    out.parent.mkdir(exist_ok=True)
    out.write_bytes(gzip.compress(b"".join(lines[:1] + rows), mtime=0))
    print(f"written {out} ({out.stat().st_size} bytes, {len(rows)} rows)")

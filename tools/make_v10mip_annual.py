"""Derive the bundled annual table of the OCO-2 v10 MIP zonal fluxes from the real band time series.

Reads ``../shared/data/stephens2026-v10mip/V10MIP`` (Stephens et al. 2026, GPL-3) and writes
``mip/data/stephens2026-v10mip/v10mip_annual_bylat.csv.gz``: per experiment, model, calendar year
2015-2020 and 10° band, the annual mean of ``land``, ``ocean`` and ``fossil`` (Pg C/yr, positive =
to the atmosphere), each month weighted by its length, as
:func:`mip.tables.v10mip_zonal.period_mean` computes it. Members without a folder are left out.
``tests/test_multigas.py`` recomputes the table from the time series and checks it equals the file,
so the two cannot drift apart.

Usage: ``python tools/make_v10mip_annual.py [V10MIP folder]``
"""

import sys
from pathlib import Path

from mip.tables.v10mip_zonal import BANDS_10, annual_table, read_zonal_ensemble

if __name__ == "__main__":
    here = Path(__file__).resolve().parents[1]
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else here.parent / "shared" / "data" / "stephens2026-v10mip" / "V10MIP"
    table = annual_table(read_zonal_ensemble(root, bands=BANDS_10))
    out = here / "mip" / "data" / "stephens2026-v10mip" / "v10mip_annual_bylat.csv.gz"
    table.to_csv(out, index=False, float_format="%.7g", compression={"method": "gzip", "mtime": 0})
    print(f"written {out} ({out.stat().st_size} bytes, {len(table)} rows)")

"""Vendor the rows of the GCB 2023 national workbooks that the three-gas stocktake needs, as one CSV.

Reads ``National_Fossil_Carbon_Emissions_2023v1.0.xlsx`` (territorial emissions) and
``National_LandUseChange_Carbon_Emissions_2023v1.0.xlsx`` (every bookkeeping model) with the package's own
readers and writes, for the countries the GCP-CH4 2020 workbook reports on their own (USA, Canada,
Brazil, China, Russia, Korea, Japan) and the world, 1990–2022, Tg C/yr (= MtC/yr), emissions positive.
``tests/test_national.py`` checks every value against the real workbooks.

Usage: ``python tools/make_national_subset.py [FOLDER_WITH_THE_TWO_WORKBOOKS]``
"""

import sys
from pathlib import Path

import pandas as pd

from mip.tables.gcb_national import SUBSET_COUNTRIES, read_gcb_national_fossil, read_gcb_national_luc

YEARS = range(1990, 2023)

if __name__ == "__main__":
    here = Path(__file__).resolve().parents[1]
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else here.parent / "shared" / "data" / "national-emissions" / \
        "gcb-2023-national"
    fossil = read_gcb_national_fossil(src / "National_Fossil_Carbon_Emissions_2023v1.0.xlsx")
    luc = read_gcb_national_luc(src / "National_LandUseChange_Carbon_Emissions_2023v1.0.xlsx")
    rows = []
    for code in (*SUBSET_COUNTRIES, "WLD"):
        for y in YEARS:
            f = fossil.aggregates.sel(group="World", year=y) if code == "WLD" else fossil.emissions.sel(country=code, year=y)
            row = {"iso3": code, "year": y, "fossil_territorial": float(f)}
            for m in luc.model.values:
                e = luc.aggregates.sel(model=m, group="Global", year=y) if code == "WLD" else \
                    luc.eluc.sel(model=m, country=code, year=y)
                row[f"eluc_{m}"] = float(e)
            rows.append(row)
    out = here / "mip" / "data" / "gcb-2023-national" / "gcb2023_national_subset.csv"
    out.parent.mkdir(exist_ok=True)
    head = ("# GCB 2023 national fossil (territorial) and land-use-change emissions, Tg C/yr, emissions positive;\n"
            "# a subset of the two GCB 2023 national workbooks made by tools/make_national_subset.py (CC BY 4.0,\n"
            "# Friedlingstein et al. 2023); WLD = the World row (fossil incl. bunkers) and the land-use 'Global' row\n")
    out.write_text(head + pd.DataFrame(rows).to_csv(index=False, float_format="%.10g"))
    print(f"written {out} ({out.stat().st_size} bytes, {len(rows)} rows)")

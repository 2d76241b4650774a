"""The report page's tables: integer columns stay integers beside float columns (years are never rounded)."""

import pandas as pd

from mip.report.page import Page


def test_years_in_an_all_numeric_table_are_not_rounded(tmp_path):
    (tmp_path / "tables").mkdir()
    page = Page(tmp_path)
    page.table(pd.DataFrame({"detected in": [2047, 2039], "trend": [-0.020966, 1753.139]}), "t", "caption")
    html = page.parts[-1]
    assert "<td class='n'>2047</td>" in html and "<td class='n'>2039</td>" in html  # not 2050 / 2040
    assert "<td class='n'>-0.021</td>" in html and "<td class='n'>1750</td>" in html  # floats to 3 figures

"""The Tian et al. (2020) N2O table: the bundled copy is the real file, its values are the published ones."""

import pytest
from conftest import real_file

from mip.errors import InputError
from mip.tables.tian2020_n2o import n2o_sources, read_tian2020


def test_bundled_copy_is_the_real_file():
    from importlib import resources

    bundled = resources.files("mip") / "data" / "gcp-n2o-2020" / "Tian_et_al_table_1_processed.csv"
    assert bundled.read_bytes() == real_file("gcp-n2o/Tian_et_al_table_1_processed.csv").read_bytes()


def test_published_values():
    # Tian et al. (2020) Table 1, 2007-2016, Tg N/yr: agriculture 3.8 [2.5-5.8], anthropogenic 7.3 [4.2-11.4],
    # natural 9.7 [8.0-12.0]
    t = read_tian2020(real_file("gcp-n2o/Tian_et_al_table_1_processed.csv"))
    agri = [s for s in t.source.values if "(Agriculture)" in s]
    assert [float(t[c].sel(source=agri[0])) for c in ("mean", "min", "max")] == [3.8, 2.5, 5.8]
    assert [float(t[c].sel(source="Anthropogenic_total")) for c in ("mean", "min", "max")] == [7.3, 4.2, 11.4]
    assert [float(t[c].sel(source="Natural_total")) for c in ("mean", "min", "max")] == [9.7, 8.0, 12.0]
    assert t.attrs["period"] == "2007-2016" and t["mean"].attrs["reported_as"] == "N"
    s = n2o_sources()
    assert float((s.anthropogenic_sources + s.natural_sources).sel(region="GLOBAL")) == pytest.approx(17.0)


@pytest.mark.parametrize("text, message", [
    ("source,mean,min,max\nA,1,0,2\n", "columns"),
    ("source,mean_Tg_N_yr-1,min_Tg_N_yr-1,max_Tg_N_yr-1\nA,1,0,2\nNatural_total,9.7,8,12\n", "Anthropogenic_total"),
    ("source,mean_Tg_N_yr-1,min_Tg_N_yr-1,max_Tg_N_yr-1\nA,1,0,2\nB,1,0,2\nAnthropogenic_total,7.3,4,11\n"
     "Natural_total,9.7,8,12\n", "sum to 2.00"),
])
def test_a_broken_table_is_refused_naming_the_file(tmp_path, text, message):
    p = tmp_path / "tian.csv"
    p.write_text(text)
    with pytest.raises(InputError, match=message) as e:
        read_tian2020(p)
    assert "tian.csv" in str(e.value)

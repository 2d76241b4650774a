import numpy as np
import pytest

from mip.testing import write_oco2mip
from mip import canonical_problems, open_product, validate
from mip.errors import InputError


@pytest.fixture()
def ds(tmp_path):
    return open_product("oco2mip", write_oco2mip(tmp_path / "CT_gridded_fluxes_IS.nc4", months=2))


def test_canonical_passes(ds):
    assert canonical_problems(ds) == []


def test_validator_catches_each_departure(ds):
    bad = ds.isel(lat=slice(None, None, -1))
    assert "lat not strictly ascending" in canonical_problems(bad)
    bad = ds.assign_coords(lon=ds.lon + 180)
    assert "lon outside [-180, 180)" in canonical_problems(bad)
    bad = ds.copy()
    bad["land"] = bad.land.assign_attrs(units="gC/m2/yr")
    assert any("land: units" in p for p in canonical_problems(bad))
    bad = ds.copy()
    del bad["land"].attrs["source_file"]
    assert "land: provenance attribute 'source_file' missing" in canonical_problems(bad)
    bad = ds.drop_vars("time_bounds")
    assert "coordinate 'time_bounds' missing" in canonical_problems(bad)
    bad = ds.squeeze("model", drop=True)
    assert "dimension 'model' missing" in canonical_problems(bad)
    bad = ds.copy()
    bad.attrs["sign_convention"] = "positive = sink"
    with pytest.raises(InputError, match="sign_convention"):
        validate(bad)


def test_cell_area_sum(ds):
    assert float(ds.cell_area.sum()) == pytest.approx(4 * np.pi * 6_371_007.2**2, rel=1e-12)

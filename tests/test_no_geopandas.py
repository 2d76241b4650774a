"""geopandas is optional (the ``vector`` extra): the bundled countries, land/ocean and the CLI's region sets work without it."""

import subprocess
import sys
import textwrap

import pytest


def test_bundled_region_sets_without_geopandas():
    code = textwrap.dedent("""
        import sys
        sys.modules["geopandas"] = None  # as if not installed: importing it raises ImportError
        import numpy as np
        from mip.errors import MipError
        from mip.regions import countries, land_ocean, parse_regions
        from mip.regions.core import grid_weights
        lb, ob, area = grid_weights(np.arange(-88.0, 90, 4.0), np.arange(-177.5, 180, 5.0))
        import xarray as xr
        ds = xr.Dataset(coords={"lat": np.arange(-88.0, 90, 4.0), "lon": np.arange(-177.5, 180, 5.0),
                                "lat_bounds": (("lat", "b"), lb), "lon_bounds": (("lon", "b"), ob),
                                "cell_area": (("lat", "lon"), area)})
        w = countries(["JPN", "FRA"]).weights(ds)
        lo = land_ocean().weights(ds)
        assert parse_regions(["countries:JPN", "land-ocean", "reccap2-basins"]).names[0] == "JPN"
        # Japan's land, 377 975 km2 less its many small islands' rounding at 1:50m: within 5 %
        print(float(w[0].sum()) / 1e6, float(lo.sum()) / float(area.sum()))
        import pandas as pd, shapely
        from mip.regions import from_geodataframe
        df = pd.DataFrame({"ISO": ["A", "B", "A"],
                           "geometry": [shapely.box(0, 0, 10, 8), shapely.box(20, -8, 30, 0), shapely.box(40, 0, 50, 8)]})
        rs = from_geodataframe(df, "ISO")
        print(rs.names, float(rs.weights(ds)[0].sum()))
        from mip.tables.country_names import map_names
        print("names:", map_names(["Japan", "Viet Nam"])[0])
        try:
            from mip.io.regionfiles import read_vector
            read_vector("x.gpkg")
        except MipError as exc:
            print("vector:", exc)
    """)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-2000:]
    jpn_km2, covered = (float(x) for x in res.stdout.splitlines()[0].split())
    assert abs(jpn_km2 / 377_975 - 1) < 0.05  # Japan's area, 377 975 km2 (Statistics Bureau of Japan)
    assert abs(covered - 1) < 1e-12  # land + ocean partition the globe
    assert "pip install 'fluxmip[vector]'" in res.stdout
    assert "names: {'Japan': 'JPN', 'Viet Nam': 'VNM'}" in res.stdout  # the national tables' names, no geopandas
    # a plain DataFrame of polygons: A's two 10° x 8° boxes merge, R² Δλ (sin 8° − sin 0°) each
    names, a_area = res.stdout.splitlines()[1].rsplit(" ", 1)
    import numpy as np
    from conftest import R
    assert names == "('A', 'B')"
    assert float(a_area) == pytest.approx(2 * R**2 * np.deg2rad(10) * np.sin(np.deg2rad(8)), rel=1e-12)

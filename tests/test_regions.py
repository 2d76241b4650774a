import numpy as np
import pytest
import shapely
import xarray as xr

from conftest import R
from mip.errors import InputError
from mip.geometry.polygons import spherical_area
from mip.io.regionfiles import read_vector
from mip.regions import read_regions
from mip.regions import from_geodataframe, grid_weights, land_ocean, latitude_bands, transcom


def _grid(dlat, dlon):
    lat = np.arange(-90 + dlat / 2, 90, dlat)
    lon = np.arange(-180 + dlon / 2, 180, dlon)
    lb, ob, a = grid_weights(lat, lon)
    return xr.Dataset(coords={"lat": lat, "lon": lon, "lat_bounds": (("lat", "b"), lb),
                              "lon_bounds": (("lon", "b"), ob), "cell_area": (("lat", "lon"), a)})


def test_spherical_area_triangle_analytic():
    # triangle (0,0), (a,0), (a,b) with edges straight in lon-lat: R^2 * a/b * (1 - cos b)
    a, b = np.deg2rad(40.0), np.deg2rad(60.0)
    tri = shapely.Polygon([(0, 0), (40, 0), (40, 60)])
    assert spherical_area(tri, R)[0] == pytest.approx(R**2 * a / b * (1 - np.cos(b)), rel=1e-12)


def _write_shapes(path, records):
    import geopandas as gpd
    gpd.GeoDataFrame({"ISO_A3": [r[0] for r in records]}, geometry=[r[1] for r in records],
                     crs="EPSG:4326").to_file(path)
    return path


def test_vector_exact_and_small_countries(tmp_path):
    tri = shapely.Polygon([(0, 0), (40, 0), (40, 60)])
    islet = shapely.box(10.3, -20.45, 10.5, -20.3)  # 0.2 x 0.15 degrees, inside one 2x2.5 cell
    # two features with the same name are merged (a country with an exclave)
    exclave = shapely.box(-70.0, 5.0, -69.0, 6.0)
    p = _write_shapes(tmp_path / "c.shp", [("TRI", tri), ("ISL", islet), ("TRI", exclave)])
    rs = read_regions(p, field="ISO_A3")
    ds = _grid(2.0, 2.5)
    w = rs.weights(ds)
    area = dict(zip(rs.names, np.asarray(w.sum(axis=1)).ravel()))
    a, b = np.deg2rad(40.0), np.deg2rad(60.0)
    tri_area = R**2 * a / b * (1 - np.cos(b))
    ex_area = R**2 * np.deg2rad(1.0) * (np.sin(np.deg2rad(6)) - np.sin(np.deg2rad(5)))
    assert area["TRI"] == pytest.approx(tri_area + ex_area, rel=1e-9)
    isl = R**2 * np.deg2rad(0.2) * (np.sin(np.deg2rad(-20.3)) - np.sin(np.deg2rad(-20.45)))
    assert area["ISL"] == pytest.approx(isl, rel=1e-9) and area["ISL"] > 0


def test_vector_partition_sums_to_cell_areas(tmp_path):
    quads = [("NW", shapely.box(-180, 0, 0, 90)), ("NE", shapely.box(0, 0, 180, 90)),
             ("SW", shapely.box(-180, -90, 0, 0)), ("SE", shapely.box(0, -90, 180, 0))]
    rs = from_geodataframe(read_vector(_write_shapes(tmp_path / "q.gpkg", quads)), "ISO_A3")
    ds = _grid(3.0, 3.75)  # cells straddle nothing, but the sums must still close
    w = rs.weights(ds)
    np.testing.assert_allclose(np.asarray(w.sum(axis=0)).ravel(), ds.cell_area.values.ravel(), rtol=1e-12)


def test_vector_bad_attribute(tmp_path):
    p = _write_shapes(tmp_path / "c.shp", [("A", shapely.box(0, 0, 1, 1))])
    with pytest.raises(InputError, match="'NAME'") as err:
        read_regions(p, field="NAME")
    assert "c.shp" in str(err.value) and "ISO_A3" in str(err.value)  # the file and the attributes it has
    with pytest.raises(InputError, match="neither or both"):
        read_regions(p)
    with pytest.raises(InputError, match="unreadable vector file"):
        read_vector(tmp_path / "nothing.gpkg")


def test_region_constructors_take_objects_and_name_the_reader_for_a_path(tmp_path):
    """Files are read in the I/O layer; a path given to a constructor is refused, naming the reader to use."""
    from mip.errors import MipError
    from mip.io.regionfiles import read_mask
    from mip.regions import from_mask

    ds = _grid(2.0, 2.5)
    codes = np.zeros((90, 144), "i4")
    codes[45:, :] = 1  # the northern hemisphere
    xr.Dataset({"m": (("lat", "lon"), codes)}, coords={"lat": ds.lat.values, "lon": ds.lon.values}).to_netcdf(tmp_path / "m.nc")
    with pytest.raises(MipError, match=r"read_mask\(path, variable\)"):
        from_mask(tmp_path / "m.nc")
    rs = from_mask(read_mask(tmp_path / "m.nc", "m"))
    assert float(rs.weights(ds).sum()) == pytest.approx(2 * np.pi * R**2, rel=1e-12)  # a hemisphere
    with pytest.raises(MipError, match="transcom_regions"):
        transcom(tmp_path / "m.nc")


def test_edited_frame_never_reuses_cached_weights(tmp_path):
    """Weights are cached by the polygons' content: a frame edited after reading gets its own weights."""
    gdf = read_vector(_write_shapes(tmp_path / "c.gpkg", [("A", shapely.box(0, 0, 10, 10))]))
    ds = _grid(2.0, 2.5)
    first = float(from_geodataframe(gdf, "ISO_A3").weights(ds).sum())
    gdf.loc[0, "geometry"] = shapely.box(0, 0, 20, 10)  # same file, same name, twice the width
    second = float(from_geodataframe(gdf, "ISO_A3").weights(ds).sum())
    box = R**2 * np.deg2rad(10) * np.sin(np.deg2rad(10))
    assert first == pytest.approx(box, rel=1e-12) and second == pytest.approx(2 * box, rel=1e-12)


def test_land_ocean_partition_and_known_cells():
    ds = _grid(2.0, 2.5)
    rs = land_ocean()
    w = rs.weights(ds)
    np.testing.assert_allclose(np.asarray(w.sum(axis=0)).ravel(), ds.cell_area.values.ravel(), rtol=1e-12)
    land_frac = float(w[0].sum() / w.sum())
    assert 0.28 < land_frac < 0.30  # Earth's land fraction, Antarctica included, is about 0.29
    f = rs.fraction(ds.lat_bounds.values, ds.lon_bounds.values)
    sahara = (int(np.argmin(abs(ds.lat.values - 23))), int(np.argmin(abs(ds.lon.values - 12))))
    pacific = (int(np.argmin(abs(ds.lat.values - 0))), int(np.argmin(abs(ds.lon.values + 150))))
    assert f[0][sahara] == pytest.approx(1.0, abs=1e-12) and f[0][pacific] == 0.0


def test_transcom_names_and_codes():
    lat, lon = np.arange(-89.5, 90, 1.0), np.arange(-179.5, 180, 1.0)
    codes = np.zeros((180, 360), "i4")
    codes[100:110, 10:20] = 11
    codes[0:10, :] = 20
    m = xr.DataArray(codes, dims=("lat", "lon"), coords={"lat": lat, "lon": lon})
    rs = transcom(m)
    assert rs.names == ("Europe", "Southern Ocean") and rs.abbrevs == ("T11", "T20")
    bad = m.where(m != 11, 23)
    with pytest.raises(InputError, match="outside 1..22"):
        transcom(bad)


def test_band_names_default():
    assert latitude_bands((-90, 0, 90)).names == ("-90..0", "0..90")


def _clipped_fractions(geom, lb, ob):
    """Independent reference: clip the polygon to every cell with shapely (cells wrapped by 360°)
    and take the exact spherical area of each clipped piece."""
    from mip.geometry.grid import cell_area
    out = np.zeros((lb.shape[0], ob.shape[0]))
    areas = cell_area(lb, ob, R)
    for i in range(lb.shape[0]):
        for j in range(ob.shape[0]):
            for shift in (-360.0, 0.0, 360.0):
                box = shapely.box(ob[j, 0] + shift, lb[i, 0], ob[j, 1] + shift, lb[i, 1])
                if box.intersects(geom):
                    out[i, j] += spherical_area(shapely.intersection(geom, box), R)[0] / areas[i, j]
    return out


@pytest.mark.parametrize("dlat,dlon,lon0", [(4.0, 5.0, -180.0), (3.0, 3.75, -178.125)])
def test_coverage_matches_clipping_cell_by_cell(dlat, dlon, lon0):
    from mip.geometry.grid import centre_bounds
    from mip.geometry.polygons import coverage_fractions
    # clockwise exterior crossing the antimeridian (lon up to 195), a hole, and a second part
    ring = shapely.buffer(shapely.Point(170, 40), 25, quad_segs=6).exterior.coords[::-1]
    hole = shapely.buffer(shapely.Point(175, 45), 6, quad_segs=4).exterior.coords
    geom = shapely.MultiPolygon([shapely.Polygon(ring, holes=[hole]), shapely.box(-30, -60, 10, -40)])
    lb = centre_bounds(np.arange(-90 + dlat / 2, 90, dlat), name="lat", limits=(-90, 90))
    ob = centre_bounds(np.arange(lon0, lon0 + 359.999, dlon), name="lon")  # first cell straddles ±180
    got = coverage_fractions([geom], lb, ob).toarray().reshape(lb.shape[0], ob.shape[0])
    ref = _clipped_fractions(geom, lb, ob)
    assert (ref > 0).sum() > 100
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-9)  # the issue asks for 1e-6 of the cell area


def test_gcp_ch4_regions_from_mask_file_and_env(tmp_path, monkeypatch):
    from mip.errors import MipError
    from mip.regions import gcp_ch4
    from mip.regions.named import GCP_CH4_REGIONS
    lat, lon = np.arange(-89.5, 90, 1.0), np.arange(-179.5, 180, 1.0)
    codes = np.zeros((180, 360), "i4")
    for k in range(18):  # region k+1: a 10° x 20° box along the equator
        codes[85:95, 20 * k:20 * k + 20] = k + 1
    p = tmp_path / "gcp_regions.nc"
    xr.Dataset({"region": (("lat", "lon"), codes)}, coords={"lat": lat, "lon": lon}).to_netcdf(p)
    monkeypatch.delenv("MIP_GCP_CH4_MASK", raising=False)
    with pytest.raises(MipError, match="not bundled"):
        gcp_ch4()
    monkeypatch.setenv("MIP_GCP_CH4_MASK", str(p))
    rs = gcp_ch4()
    from mip.regions import parse_regions
    assert parse_regions(["gcp-ch4"]).names == rs.names  # the command line's spelling
    assert rs.names[:4] == ("GLOBAL", "<30°N", "30°N-60°N", "60°N-90°N")
    assert rs.names[4:] == tuple(GCP_CH4_REGIONS)
    area = dict(zip(rs.names, np.asarray(rs.weights(_grid(1.0, 1.0)).sum(axis=1)).ravel()))
    assert area["GLOBAL"] == pytest.approx(4 * np.pi * R**2, rel=1e-12)
    assert area["<30°N"] == pytest.approx(2 * np.pi * R**2 * (np.sin(np.deg2rad(30)) + 1), rel=1e-12)
    box = R**2 * np.deg2rad(20) * 2 * np.sin(np.deg2rad(5))  # 20° of longitude between 5°S and 5°N
    assert area[GCP_CH4_REGIONS[0]] == pytest.approx(box, rel=1e-12)
    assert area[GCP_CH4_REGIONS[17]] == pytest.approx(box, rel=1e-12)


def test_a_region_without_a_shape_is_listed_with_no_area():
    """A feature with no geometry is not dropped: its region is listed, with zero weight (conservation)."""
    import pandas as pd
    df = pd.DataFrame({"ISO": ["A", "GONE"], "geometry": [shapely.box(0, 0, 10, 10), None]})
    rs = from_geodataframe(df, "ISO")
    w = rs.weights(_grid(2.0, 2.5))
    assert rs.names == ("A", "GONE")
    assert float(w[1].sum()) == 0.0
    assert float(w[0].sum()) == pytest.approx(R**2 * np.deg2rad(10) * np.sin(np.deg2rad(10)), rel=1e-12)



def test_projected_frame_is_read_in_lonlat():
    """A GeoDataFrame in Web Mercator is converted to lon-lat before coverage (a lon-lat box is a box there too)."""
    import geopandas as gpd
    g = gpd.GeoDataFrame({"N": ["A"]}, geometry=[shapely.box(0, 0, 10, 10)], crs=4326).to_crs(3857)
    w = from_geodataframe(g, "N").weights(_grid(2.0, 2.5))
    assert float(w.sum()) == pytest.approx(R**2 * np.deg2rad(10) * np.sin(np.deg2rad(10)), rel=1e-9)

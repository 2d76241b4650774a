"""Property tests (hypothesis): corrupted real files give only the project's own errors; totals are conserved."""

import numpy as np
import pytest
import shapely
import xarray as xr
from conftest import real_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mip
from mip.errors import MipError
from mip.regions import from_geometries, grid_weights, latitude_bands

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def corrupt(data: bytes, how: str, where: float, byte: int) -> bytes:
    i = int(where * max(len(data) - 1, 1))
    if how == "truncate":
        return data[:i]
    if how == "flip":
        return data[:i] + bytes([byte]) + data[i + 1:]
    if how == "delete-line":
        lines = data.split(b"\n")
        k = int(where * (len(lines) - 1))
        return b"\n".join(lines[:k] + lines[k + 1:])
    return data[:i] + data[i:].replace(b"1", b"x", 1)  # a digit turned into a letter


HOW = st.sampled_from(["truncate", "flip", "delete-line", "letter"])


def reader_survives(tmp_path, rel, name, read, how, where, byte):
    p = tmp_path / name
    p.write_bytes(corrupt(real_file(rel).read_bytes(), how, where, byte))
    if p.suffix == ".nc":
        from mip.io.probe import MetadataProbe

        failure = MetadataProbe(p, 10).failure()
        if failure is not None:  # the HDF5 library hangs or crashes on this damage: only a child may open it
            assert "HDF5/netCDF library" in failure  # what `mip check` reports; a reader in process would hang
            return
    try:
        read(p)
    except MipError:
        pass  # the project's own error: fine


@SETTINGS
@given(how=HOW, where=st.floats(0, 1), byte=st.integers(0, 255))
def test_text_readers_raise_only_their_own_errors(tmp_path, how, where, byte):
    from mip.obs.noaa import read_noaa
    from mip.tables.v10mip_zonal import read_band_file, read_summary_table

    reader_survives(tmp_path, "noaa-gml/2026/co2_mm_mlo.txt", "co2_mm_mlo.txt", read_noaa, how, where, byte)
    reader_survives(tmp_path, "noaa-gml/2024/n2o_mm_gl.csv", "n2o_mm_gl.csv", read_noaa, how, where, byte)
    reader_survives(tmp_path, "stephens2026-v10mip/V10MIP/CT/IS/flux_30N-40N_timeseries.txt", "flux.txt",
                    read_band_file, how, where, byte)
    reader_survives(tmp_path, "stephens2026-v10mip/V10MIP/oco2_v10mip_total_fluxes_bylat_201606-201805.txt",
                    "t.txt", read_summary_table, how, where, byte)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(how=HOW, where=st.floats(0, 1), byte=st.integers(0, 255))
def test_ceos_and_netcdf_readers_raise_only_their_own_errors(tmp_path, how, where, byte):
    from mip.products.ceos import read_ceos_countries
    from mip.io.reccap2_masks import read_reccap2_masks as read_reccap2

    reader_survives(tmp_path, "ceos-pilot-2023/pilot_topdown_CO2_Budget_countries_v1.csv", "c.csv",
                    read_ceos_countries, how, where, byte)
    reader_survives(tmp_path, "reccap2-ocean/RECCAP2_region_masks_all_v20221025.nc", "m.nc", read_reccap2,
                    how, where, byte)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(how=HOW, where=st.floats(0, 1), byte=st.integers(0, 255))
def test_check_never_raises_on_a_corrupted_file(sample_root, tmp_path, how, where, byte):
    from mip.checks import check

    src = sample_root / "oco2mip-v10" / "IS" / "Ames_gridded_fluxes_IS.nc4"
    p = tmp_path / "Ames_gridded_fluxes_IS.nc4"
    p.write_bytes(corrupt(src.read_bytes(), how, where, byte))
    report = check([p], sample_root / "sample-protocol.yaml", cf=False, probe_timeout=10)
    assert report.exit_code in (0, 1)


boxes = st.tuples(st.floats(-180, 170), st.floats(-90, 80), st.floats(1, 60), st.floats(1, 40)).map(
    lambda t: shapely.box(t[0], t[1], min(t[0] + t[2], 180), min(t[1] + t[3], 90)))


@SETTINGS
@given(geoms=st.lists(boxes, min_size=1, max_size=5), surface=st.sampled_from(["land", "ocean", "any"]),
       seed=st.integers(0, 2**16), attribution=st.sampled_from(["surface", "area"]))
def test_regions_plus_unattributed_is_the_global_total(geoms, surface, seed, attribution):
    lat, lon = np.arange(-87.5, 90, 5.0), np.arange(-177.5, 180, 5.0)
    lb, ob, area = grid_weights(lat, lon)
    rng = np.random.default_rng(seed)
    ds = xr.Dataset({v: (("lat", "lon"), rng.normal(size=area.shape), {"reported_as": "C"}) for v in ("land", "ocean")},
                    coords={"lat": lat, "lon": lon, "lat_bounds": (("lat", "bnds"), lb),
                            "lon_bounds": (("lon", "bnds"), ob), "cell_area": (("lat", "lon"), area)})
    # regions of one set must not overlap for the law to hold: make them disjoint
    disjoint, taken = [], shapely.Polygon()
    for g in geoms:
        g = g.difference(taken)
        if not g.is_empty and g.area > 0:
            disjoint.append(g)
            taken = taken.union(g)
    if not disjoint:
        return
    rs = from_geometries(disjoint, [f"r{i}" for i in range(len(disjoint))], surface=surface)
    rs = rs + latitude_bands((-90, 0), names=("SH",))  # a second set, with its own unattributed row
    out = mip.aggregate(ds, rs, attribution=attribution)
    for v in ("land", "ocean"):
        glob = float((ds[v] * ds.cell_area).sum()) * 365.25 * 86400 * 1e-12
        first = out[v].sel(region=[r for r, g in zip(out.region.values, out.region_group.values)
                                    if g == rs.region_groups[0]])
        scale = float(np.abs(ds[v] * ds.cell_area).sum()) * 365.25 * 86400 * 1e-12  # cancellation: absolute tolerance
        assert float(first.sum()) == pytest.approx(glob, rel=1e-9, abs=1e-9 * scale)

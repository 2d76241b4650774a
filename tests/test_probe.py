"""A damaged netCDF-4 file that hangs the HDF5 library is reported by ``mip check``, which goes on to the next file.

The damage is one field: the size of the first object in the file's global heap (where netCDF-4 keeps the
dimension-scale references), set to 109 bytes instead of 8.  A byte flip of the same field in the real
RECCAP2 mask file (found by the hypothesis test of the readers) made ``netCDF4.Dataset`` loop forever.
"""

import signal
import struct
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

import mip.io.probe as probe
from mip.checks import check
from mip.testing import write_oco2mip

PROTOCOL = "oco2mip-v10"


def damaged_heap(path):
    """A small netCDF-4 file whose first global-heap object claims 109 bytes (its data holds 8)."""
    xr.Dataset({"mask": (("lat", "lon"), np.zeros((4, 8), "i4"))},
               coords={"lat": np.arange(4.0), "lon": np.arange(8.0)}).to_netcdf(path, engine="netcdf4")
    b = bytearray(path.read_bytes())
    at = b.find(b"GCOL")  # collection: signature, version, 3 reserved, size (8); then objects
    assert at > 0 and b[at + 4] == 1
    first = at + 16  # object: index (2), references (2), reserved (4), size (8), data
    index, size = struct.unpack_from("<H4xxxQ", b, first)[0], struct.unpack_from("<Q", b, first + 8)[0]
    assert (index, size) == (1, 8)  # the first dimension's reference list, as netCDF writes it
    struct.pack_into("<Q", b, first + 8, 109)
    path.write_bytes(bytes(b))
    return path


def hangs_in_a_plain_open(path, seconds=2.0) -> bool:
    """Whether netCDF4 itself, in a child, is still reading the file after ``seconds``."""
    try:
        subprocess.run([sys.executable, "-c", "import sys, netCDF4; netCDF4.Dataset(sys.argv[1])", str(path)],
                       timeout=seconds, capture_output=True)
    except subprocess.TimeoutExpired:
        return True
    return False


def test_check_reports_a_file_that_hangs_the_library_and_checks_the_next(tmp_path):
    bad = damaged_heap(tmp_path / "CAMS_gridded_fluxes_IS.nc4")
    good = write_oco2mip(tmp_path / "Ames_gridded_fluxes_IS.nc4", months=72)  # its land flux is all zero
    report = check([bad, good], PROTOCOL, cf=False, probe_timeout=2.0)
    found = {(f.file, f.rule): f.observed for f in report.findings}
    assert (str(bad), "file.readable") in found
    if hangs_in_a_plain_open(bad):  # this HDF5 loops on the file: the probe is what reported it
        assert "did not finish reading the file's metadata within 2 s" in found[(str(bad), "file.readable")]
    # the next file was opened and its data read after the first was given up
    assert (str(good), "data.all_zero") in found and not any(f == str(good) for f, rule in found if rule == "file.readable")


def test_the_cli_reports_it_in_one_line(tmp_path, capsys):
    from mip.cli import main

    bad = damaged_heap(tmp_path / "CAMS_gridded_fluxes_IS.nc4")
    code = main(["check", str(bad), "--protocol", PROTOCOL, "--no-cf", "--probe-timeout", "2"])
    out = capsys.readouterr().out
    assert code == 1 and "file.readable" in out and "Traceback" not in out


def test_a_child_that_crashes_is_named_with_its_signal(tmp_path, monkeypatch):
    f = write_oco2mip(tmp_path / "Ames_gridded_fluxes_IS.nc4", months=12)
    monkeypatch.setattr(probe, "_SCRIPT", f"import os; os.kill(os.getpid(), {int(signal.SIGSEGV)})")
    assert probe.MetadataProbe(f, 10).failure() == (
        f"the HDF5/netCDF library crashed (signal {int(signal.SIGSEGV)}) reading the file's metadata")


@pytest.mark.parametrize("content", [b"", b"not a netCDF file at all", b"\x89HDF\r\n\x1a\n" + b"\0" * 40])
def test_files_the_library_refuses_are_left_to_the_open_here(tmp_path, content):
    p = tmp_path / "Ames_gridded_fluxes_IS.nc4"
    p.write_bytes(content)
    assert probe.MetadataProbe(p, 10).failure() is None  # not netCDF, or an error the open below names
    report = check([p], PROTOCOL, cf=False, probe_timeout=10)
    readable = [f for f in report.findings if f.rule == "file.readable"]
    assert len(readable) == 1 and "did not finish" not in readable[0].observed


def test_cancel_stops_the_child(tmp_path, monkeypatch):
    f = write_oco2mip(tmp_path / "Ames_gridded_fluxes_IS.nc4", months=12)
    monkeypatch.setattr(probe, "_SCRIPT", "import time; time.sleep(60)")
    p = probe.MetadataProbe(f, 60)
    child = p._proc
    p.cancel()
    assert child.poll() is not None and p.failure() is None


def test_the_real_mask_file_with_the_byte_hypothesis_flipped(tmp_path):
    from conftest import real_file

    b = bytearray(real_file("reccap2-ocean/RECCAP2_region_masks_all_v20221025.nc").read_bytes())
    assert b[3068] == 0x08  # the size of a global-heap object (8 bytes: one reference)
    b[3068] = 0x6D
    p = tmp_path / "RECCAP2_region_masks_all_v20221025.nc"
    p.write_bytes(bytes(b))
    report = check([p], PROTOCOL, cf=False, probe_timeout=2.0)
    readable = [f.observed for f in report.findings if f.rule == "file.readable"]
    assert len(readable) == 1
    if hangs_in_a_plain_open(p):
        assert readable[0].startswith("the HDF5/netCDF library did not finish")


def test_a_child_started_before_the_check_is_the_one_it_reads(tmp_path, monkeypatch):
    f = write_oco2mip(tmp_path / "Ames_gridded_fluxes_IS.nc4", months=12)
    monkeypatch.setattr(probe, "_SCRIPT", f"import os; os.kill(os.getpid(), {int(signal.SIGSEGV)})")
    started = probe.MetadataProbe(f, 10)
    monkeypatch.setattr(probe, "_SCRIPT", "pass")  # a child started by the check itself would pass
    report = check([f], PROTOCOL, cf=False, probes={f: started})
    assert [x.observed for x in report.findings if x.rule == "file.readable"] == [
        f"the HDF5/netCDF library crashed (signal {int(signal.SIGSEGV)}) reading the file's metadata"]


def test_mip_check_can_start_a_child_before_importing_xarray():
    code = ("import sys, mip.checks.paths, mip.io.probe, mip.cli.check\n"
            "print(sorted(m for m in ('xarray', 'numpy', 'pandas', 'netCDF4') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("executable", ["", "/nonexistent/python"])
def test_without_a_python_to_start_the_file_is_opened_here(tmp_path, monkeypatch, executable):
    f = write_oco2mip(tmp_path / "Ames_gridded_fluxes_IS.nc4", months=72)
    monkeypatch.setattr(sys, "executable", executable)
    assert probe.MetadataProbe(f, 10).failure() is None
    report = check([f], PROTOCOL, cf=False)
    assert not [x for x in report.findings if x.rule == "file.readable"]

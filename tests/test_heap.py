"""glibc's heap keeps freed blocks while fluxmip streams files (mip.io.heap): page faults counted by the kernel."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

GLIBC = sys.platform == "linux" and (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
pytestmark = pytest.mark.skipif(not GLIBC, reason="glibc's mallopt: Linux with glibc only")

#: The aggregation's pattern: blocks of 6 MiB (a 24-month float32 block of a 1° grid) read, used, freed.
PATTERN = """
import json, resource, sys
import numpy as np
{before}
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
f0 = faults()
for _ in range(40):
    blocks = [np.ones((6 << 20) // 8) for _ in range(3)]  # np.ones writes every page
    del blocks
print(json.dumps({{"share": (faults() - f0) / (40 * 3 * (6 << 20) // 4096), "set": {result}}}))
"""


def _without_heap_settings() -> dict[str, str]:
    """This environment without glibc's malloc settings or fluxmip's option: a child starts from the defaults."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GLIBC_TUNABLES", "MIP_KEEP_HEAP"))}


def _run(before: str = "", result: str = "None", pattern: str = PATTERN, **env: str) -> dict:
    clean = _without_heap_settings()
    code = textwrap.dedent(pattern.format(before=before, result=result))
    out = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True,
                         timeout=120, check=True)
    return json.loads(out.stdout)


KEEP = "from mip.io.heap import keep_freed_memory\nkept = keep_freed_memory()"


def test_freed_blocks_are_not_faulted_in_again():
    kept = _run(KEEP, "kept")
    assert kept["set"] is True
    # every page of the first round is new (1/40 of the pages); the later rounds reuse them
    assert kept["share"] < 0.05, kept
    default = _run()
    if default["share"] < 0.1:
        pytest.skip(f"this glibc's own thresholds keep these blocks too (faults on {default['share']:.0%} of pages)")
    assert default["share"] > 2 * kept["share"]


@pytest.mark.parametrize("env", [{"MIP_KEEP_HEAP": "0"}, {"MALLOC_TRIM_THRESHOLD_": "65536"}])
def test_left_alone_when_the_user_or_the_nanny_chose(env):
    """Off by option, or where the environment sets glibc's malloc (dask.distributed's nanny does)."""
    assert _run(KEEP, "kept", **env)["set"] is False


def test_a_setting_made_after_the_start_is_not_glibcs():
    """A LocalCluster's nanny writes MALLOC_TRIM_THRESHOLD_ into its own process's os.environ after the start:
    glibc never read it, so the heap is still kept there."""
    after = "import os\nos.environ['MALLOC_TRIM_THRESHOLD_'] = '65536'\n" + KEEP
    got = _run(after, "kept")
    assert got["set"] is True and got["share"] < 0.05, got


#: The 0.1° pattern in a thread of its own (its own arena, heaps of at most 64 MiB): three 25 MiB arrays held at
#: once (netCDF4-python holds two per month read), so that the third always needs a second heap.
THREADED = """
import json, resource, threading
import numpy as np
{before}
out = {{}}
def work():
    def faults():
        return resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
    np.ones(1)  # the thread's arena exists before the count
    f0 = faults()
    for _ in range(20):
        blocks = [np.ones((25 << 20) // 8) for _ in range(3)]
        del blocks
    out["share"] = (faults() - f0) / (20 * 3 * (25 << 20) // 4096)
t = threading.Thread(target=work)
t.start(); t.join()
print(json.dumps({{"share": out["share"], "set": {result}}}))
"""


def _threaded(before: str, result: str = "None") -> dict:
    """THREADED in a child, numpy's huge pages off (a huge page is one fault for 512 pages)."""
    return _run(before, result, THREADED, NUMPY_MADVISE_HUGEPAGE="0")


def test_a_threads_emptied_heap_is_kept():
    """glibc unmaps a thread's emptied heap whatever the trim threshold; the padding keeps it (0.1° months)."""
    kept = _threaded(KEEP, "kept")
    assert kept["set"] is True
    # the first round's pages are new (1/20 of them); the later rounds reuse them
    assert kept["share"] < 0.1, kept
    # the thresholds alone (fluxmip before the padding): the third array's heap is new in every round (1/3)
    thresholds = _threaded("import ctypes\nfrom mip.io import heap\nm = ctypes.CDLL(None).mallopt\n"
                           "m(heap._M_MMAP_THRESHOLD, heap.MMAP_THRESHOLD)\nm(heap._M_TRIM_THRESHOLD, heap.TRIM_THRESHOLD)")
    if thresholds["share"] < 0.25:
        pytest.skip(f"this glibc keeps a thread's emptied heaps itself (faults on {thresholds['share']:.0%} of pages)")
    assert thresholds["share"] > 2 * kept["share"]


def test_importing_mip_leaves_the_allocator_alone_until_a_file_is_opened(tmp_path):
    import numpy as np
    import xarray as xr

    path = tmp_path / "f.nc"
    xr.Dataset({"x": ("t", np.arange(3.0))}).to_netcdf(path)
    code = f"""
import mip, mip.io.heap as heap
before = heap._done
from mip.io.files import open_netcdf
open_netcdf({str(path)!r}).close()
print(before, heap._done)
"""
    clean = _without_heap_settings()
    out = subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120,
                         check=True)
    assert out.stdout.split() == ["None", "True"]


def _in_a_worker() -> dict:
    import os as _os
    import resource

    import numpy as np

    from mip.io.heap import keep_freed_memory

    kept = keep_freed_memory()
    f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(40):
        blocks = [np.ones((6 << 20) // 8) for _ in range(3)]
        del blocks
    share = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / (40 * 3 * (6 << 20) // 4096)
    return {"set": kept, "share": share, "env": _os.environ.get("MALLOC_TRIM_THRESHOLD_")}


def test_a_dask_worker_keeps_its_heap_despite_the_nannys_default():
    """The nanny's MALLOC_TRIM_THRESHOLD_=65536 maps every block afresh (0.1° on a LocalCluster: 1.29x the threads)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as lc, \
            distributed.Client(lc) as client:
        got = client.submit(_in_a_worker, pure=False).result()
    assert got["env"] == "65536"  # what the nanny set: the case this is about
    assert got["set"] is True and got["share"] < 0.05, got

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

R = 6_371_007.2


@pytest.fixture(scope="session")
def sample_root(tmp_path_factory):
    """One synthetic OCO-2-MIP sample for the whole session (written once: ~5 s)."""
    from mip.testing import write_oco2mip_sample

    root = tmp_path_factory.mktemp("sample")
    write_oco2mip_sample(root)
    return root


def run_script(name: str, *args: str) -> None:
    """Run ``analyses/<name>`` as a script (``__main__``) with ``args``; fail unless it exits 0."""
    import runpy

    script = Path(__file__).parents[1] / "analyses" / name
    argv, sys.argv = sys.argv, [str(script), *args]
    try:
        with pytest.raises(SystemExit) as e:
            runpy.run_path(str(script), run_name="__main__")
        assert e.value.code == 0
    finally:
        sys.argv = argv


#: Where the real published files are: ``$MIP_TEST_DATA``, else ``../shared/data`` beside the checkout (as in CI).
SHARED_DATA = Path(os.environ["MIP_TEST_DATA"]) if os.environ.get("MIP_TEST_DATA") else \
    Path(__file__).resolve().parents[2] / "shared" / "data"

#: Set (to anything but "" or "0") by ``.ci/run``: a missing real file fails the test instead of skipping it.
REQUIRE_REAL_DATA = os.environ.get("MIP_REQUIRE_TEST_DATA", "") not in ("", "0")


def real_file(relative: str) -> Path:
    """Path of a real published file under :data:`SHARED_DATA`.

    Without it the test is skipped with a reason naming the file (a user's fresh clone has no
    ``../shared/data``); with ``MIP_REQUIRE_TEST_DATA=1`` (CI) it fails instead.
    """
    p = SHARED_DATA / relative
    if not p.exists():
        msg = (f"real data file missing: {relative} (looked in {SHARED_DATA}; set MIP_TEST_DATA to the folder "
               "that holds the published data sets)")
        if REQUIRE_REAL_DATA:
            pytest.fail(msg + " and MIP_REQUIRE_TEST_DATA is set", pytrace=False)
        pytest.skip(msg)
    return p

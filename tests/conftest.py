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


#: The real published files (``../shared/data`` beside the checkout, as in CI).
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def real_file(relative: str) -> Path:
    """Path of a real published file in ``../shared/data``; the test fails (never skips) without it."""
    p = SHARED_DATA / relative
    assert p.exists(), f"real data file missing: {p} (CI has ../shared/data beside the checkout)"
    return p

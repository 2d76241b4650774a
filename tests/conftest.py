import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

R = 6_371_007.2


@pytest.fixture(scope="session")
def sample_root(tmp_path_factory):
    """One synthetic OCO-2-MIP sample for the whole session (written once: ~5 s)."""
    from mip.sample import write_oco2mip_sample

    root = tmp_path_factory.mktemp("sample")
    write_oco2mip_sample(root)
    return root

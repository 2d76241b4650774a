"""Precompute the land fraction of the global 1° grid from the bundled Natural Earth countries.

The land fraction (the union of the country polygons, exact coverage) costs ~0.11 s to compute in
every new process; on the grid most inversions use it is read from this file instead (measured:
the cold surface-attribution step drops by that much). ``tests/test_attribution.py`` checks that
the file equals the computation bit for bit, so the two cannot drift apart.

Usage: ``python tools/make_land_fraction.py`` (rewrites ``mip/data/natural-earth/land_fraction_1deg.npz``).
"""

from pathlib import Path

import numpy as np

from mip.regions.core import grid_weights
from mip.regions.natural_earth import _computed_land_fraction

if __name__ == "__main__":
    lb, ob, _ = grid_weights(np.arange(-89.5, 90, 1.0), np.arange(-179.5, 180, 1.0))
    lf = _computed_land_fraction(None, lb, ob)  # None: the bundled countries
    out = Path(__file__).resolve().parents[1] / "mip" / "data" / "natural-earth" / "land_fraction_1deg.npz"
    np.savez_compressed(out, land_fraction=lf.reshape(180, 360))
    print(f"written {out} ({out.stat().st_size} bytes)")

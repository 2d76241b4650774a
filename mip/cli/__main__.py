"""``python -m mip.cli``: the ``mip`` command."""

import sys

from mip.cli import console

sys.exit(console())

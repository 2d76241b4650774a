"""fluxmip: multi-inversion intercomparison and observational constraints of GHG budgets.

The import package is ``mip``; the distribution is ``fluxmip``.
"""

from mip import regions
from mip.aggregation import aggregate
from mip.budget import global_total
from mip.catalog import open_catalog, open_ensemble
from mip.errors import InputError, MemberWarning, MipError
from mip.model import canonical_problems, validate
from mip.products import families, open_product, register
from mip.units import ureg

__version__ = "0.1.0"

__all__ = [
    "aggregate",
    "regions",
    "InputError",
    "MemberWarning",
    "MipError",
    "canonical_problems",
    "families",
    "global_total",
    "open_catalog",
    "open_ensemble",
    "open_product",
    "register",
    "ureg",
    "validate",
]

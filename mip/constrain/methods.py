"""The constraint methods by the name a spec gives them (``method: ols``)."""

from __future__ import annotations

from mip.constrain.linear import constrain_ols, constrain_wls
from mip.constrain.odr import constrain_odr
from mip.constrain.sampling import constrain_bayes, constrain_bootstrap

__all__ = ["METHODS"]

#: Spec name → function returning a :class:`mip.constrain.result.ConstraintResult`.
METHODS = {"ols": constrain_ols, "wls": constrain_wls, "odr": constrain_odr, "bayes": constrain_bayes,
           "bootstrap": constrain_bootstrap}

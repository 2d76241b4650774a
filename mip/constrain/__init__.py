"""Emergent constraints: regress ensemble fluxes on concentration metrics, apply the observation.

Methods: :func:`constrain_ols` (prediction error + Cox et al. 2013 convolution),
:func:`constrain_wls`, :func:`constrain_odr` (errors in x and y, ``odrpack``),
:func:`constrain_bayes` (with a model–reality discrepancy), :func:`constrain_bootstrap`
(pairs bootstrap), :func:`constrain_multi` (several predictors, scikit-learn), all returning
a :class:`ConstraintResult`; :func:`loo_skill` gives leave-one-out skill; ``gate=`` applies a
significance gate.
"""

from mip.constrain.linear import constrain_ols, constrain_wls, fit_ols, loo_skill
from mip.constrain.odr import constrain_odr, fit_odr, odr_predict
from mip.constrain.result import ConstraintResult
from mip.constrain.sampling import bootstrap_fits, constrain_bayes, constrain_bootstrap, constrain_multi

METHODS = {"ols": constrain_ols, "wls": constrain_wls, "odr": constrain_odr, "bayes": constrain_bayes,
           "bootstrap": constrain_bootstrap}

__all__ = ["ConstraintResult", "constrain_ols", "constrain_wls", "constrain_odr", "constrain_bayes",
           "constrain_bootstrap", "constrain_multi", "fit_ols", "fit_odr", "odr_predict", "loo_skill",
           "bootstrap_fits", "METHODS"]

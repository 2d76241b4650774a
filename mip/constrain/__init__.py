"""Emergent constraints: regress ensemble fluxes on concentration metrics, apply the observation.

Methods: :func:`constrain_ols` (prediction error + Cox et al. 2013 convolution),
:func:`constrain_wls`, :func:`constrain_odr` (errors in x and y, ``odrpack``),
:func:`constrain_bayes` (with a model–reality discrepancy), :func:`constrain_bootstrap`
(pairs bootstrap), :func:`constrain_multi` (several predictors, scikit-learn), all returning
a :class:`ConstraintResult`; :func:`loo_skill` gives leave-one-out skill; ``gate=`` applies a
significance gate.

Every name is imported on first use (:mod:`mip._lazy`), so that a process which only draws the
figures (:mod:`mip.constrain.plots`, in the report's figure process) imports neither the fitting code
nor scipy.stats.
"""

from mip._lazy import lazy_exports

_HOME = {"constrain_ols": "linear", "constrain_wls": "linear", "fit_ols": "linear", "loo_skill": "linear",
         "constrain_odr": "odr", "fit_odr": "odr", "odr_predict": "odr", "ConstraintResult": "result",
         "bootstrap_fits": "sampling", "constrain_bayes": "sampling", "constrain_bootstrap": "sampling",
         "constrain_multi": "sampling", "METHODS": "methods"}

__all__ = ["ConstraintResult", "constrain_ols", "constrain_wls", "constrain_odr", "constrain_bayes",
           "constrain_bootstrap", "constrain_multi", "fit_ols", "fit_odr", "odr_predict", "loo_skill",
           "bootstrap_fits", "METHODS"]

__getattr__, __dir__ = lazy_exports(__name__, {n: (f"mip.constrain.{m}", n) for n, m in _HOME.items()},
                                    submodules=True)

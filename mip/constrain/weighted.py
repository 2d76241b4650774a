"""The effect of skill weights on a multi-predictor constraint: the same spec run with equal and skill weights.

A sensitivity, never the default. Caveat stated with every result: when the skill is scored against the same
observations the constraint uses as its predictor (the v10 MIP against ATom), the observations are used twice,
once to weight the members and once to constrain them. The weighted result is then an upper bound on what
weighting adds, not a combined estimate.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["weighted_constraint_effect"]

DOUBLE_USE = ("the skill weights come from the same ATom observations the constraint uses as its predictor: the "
              "observations are used twice, so the weighted result bounds what weighting adds and is not a combined "
              "estimate")


def weighted_constraint_effect(spec: str, weights: pd.DataFrame, *, member: str = "member") -> pd.DataFrame:
    """A multi-predictor spec's results with equal member weights and with the given skill weights, side by side.

    Parameters
    ----------
    spec
        A multi-predictor constraint spec name or path (e.g. ``"latitudinal-airborne"``).
    weights
        Per member (``<MODEL>_<EXP>``) a ``weight`` column (from :func:`mip.obs.weights.skill_weights` with the
        members weighted together), indexed or keyed by ``member``.
    member
        The member column of ``weights``.

    Returns
    -------
    pandas.DataFrame
        Per target region: ``mean, sd, prior_mean, prior_sd, reduction_pct`` unweighted and ``weighted_*``,
        the change of the constrained mean and the ratio of the SDs; ``attrs`` state the method and caveat.
    """
    from mip.constrain.multi import run_multi
    from mip.constrain.spec import MultiPredictorSpec, list_specs, load_spec
    from mip.errors import MipError
    from mip.io.yamlspec import resolve_name

    s = load_spec(resolve_name(spec, list_specs, "constraint spec"))
    if not isinstance(s, MultiPredictorSpec):
        raise MipError(f"{spec}: a multi-predictor spec is needed (members named <MODEL>_<EXP>)")
    w = weights.set_index(member)["weight"] if member in weights.columns else weights["weight"]
    plain = run_multi(s).results.set_index("region")
    weighted = run_multi(s, member_weights=w).results.set_index("region")
    cols = ["mean", "sd", "prior_mean", "prior_sd", "reduction_pct"]
    out = plain[cols].join(weighted[cols].add_prefix("weighted_"))
    out["change_of_mean"] = out["weighted_mean"] - out["mean"]
    out["sd_ratio"] = out["weighted_sd"] / out["sd"]
    out = out.reset_index()
    out.attrs.update(spec=s.name, units="Pg C yr-1, positive = to the atmosphere",
                     weights=weights.attrs.get("method", "given"), sigma=weights.attrs.get("sigma", ""),
                     fit="weighted least squares with the member weights; prior mean and SD weighted (reliability "
                         "weights)", caveat=DOUBLE_USE)
    return out

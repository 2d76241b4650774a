"""Constraint specifications: YAML files in ``mip/constraints/`` (and ``$MIP_CONSTRAINT_PATH``) validated by pydantic."""

from __future__ import annotations

from mip.errors import MipError

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mip.io.yamlspec import load_model, named_files

__all__ = ["ConstraintSpec", "MultiPredictorSpec", "load_spec", "list_specs", "resolve_data_path"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DataSpec(_Strict):
    """Where the ensemble comes from."""

    kind: Literal["airborne", "table"]
    root: str = "bundled:so-airborne-long2021"
    models: list[str] = Field(default_factory=list)
    path: str | None = None  # table kind: CSV with one row per member


class PredictorSpec(_Strict):
    """The concentration metric per member (x)."""

    metric: Literal["vertical_gradient", "column"] = "vertical_gradient"
    tracer: Literal["ocean", "total", "land", "fossil"] = "ocean"
    statistic: Literal["mean", "median"] = "mean"
    lower: tuple[float | None, float] = (None, 280.0)
    upper: tuple[float, float] = (295.0, 305.0)
    lat_band: tuple[float, float] = (-90.0, -45.0)
    strat_max: float = 0.0
    column: str | None = None
    units: str = "ppm"


class PredictandSpec(_Strict):
    """The flux per member (y)."""

    variable: str = "SFCO2_OCN"
    band: tuple[float, float] = (-90.0, -45.0)
    window_days: int = 90
    column: str | None = None
    units: str = "Pg C yr-1"


class ObservationSpec(_Strict):
    """The observed predictor: instruments (airborne) or a value (table)."""

    primary: str = "co2"
    instruments: list[str] = Field(default_factory=list)
    flasks: list[str] = Field(default_factory=list)
    correction_models: list[str] = Field(default_factory=list)
    value: float | None = None
    sd: float | None = None


class ConstraintSpec(_Strict):
    """A whole emergent constraint, declared."""

    name: str
    description: str = ""
    reference: str = ""
    data: DataSpec
    predictor: PredictorSpec = Field(default_factory=PredictorSpec)
    predictand: PredictandSpec = Field(default_factory=PredictandSpec)
    observations: ObservationSpec = Field(default_factory=ObservationSpec)
    groups: dict[str, list[str]] | None = None
    weights: Literal["equal", "family"] = "equal"
    method: Literal["odr", "ols", "wls", "bayes", "bootstrap"] = "odr"
    covariance: Literal["unscaled", "scaled"] = "scaled"  # unscaled: Long et al. 2021's choice, named in the spec
    odr_errors: tuple[float, float] | None = None  # errors of every member's x and y, in their units
    compare: list[Literal["odr", "ols", "wls", "bayes", "bootstrap"]] = Field(default_factory=list)
    gate: float | None = None
    discrepancy: float = 0.0

    @model_validator(mode="after")
    def _consistent(self) -> "ConstraintSpec":
        if self.data.kind == "table":
            if not self.data.path or not self.predictor.column or not self.predictand.column:
                raise MipError("a table constraint needs data.path, predictor.column and predictand.column")
            if self.observations.value is None or self.observations.sd is None:
                raise MipError("a table constraint needs observations.value and observations.sd")
        elif not self.data.models:
            raise MipError("an airborne constraint needs data.models")
        return self


class FieldMetricSpec(_Strict):
    """A concentration metric of a binned (latitude × pressure) field: a weighted mean over a latitude range."""

    lat: tuple[float, float]
    pressure: tuple[float, float] | None = None  # default: every pressure bin
    weight: Literal["coslat", "none"] = "coslat"


class BandSumSpec(_Strict):
    """A flux of a by-latitude table: the sum of the bands whose centres lie in a range (inclusive)."""

    centres: tuple[float, float]


class MemberRule(_Strict):
    """Which members count: all, less the experiments (and models) named."""

    exclude_experiments: list[str] = Field(default_factory=list)
    exclude_models: list[str] = Field(default_factory=list)


class MultiDataSpec(_Strict):
    """Where the fields, the observations and the fluxes come from (``bundled:<path in mip/data>`` or a path)."""

    fields: str
    observations: str
    observations_join: Literal["labels", "position"] = "labels"
    fluxes: str


class MultiObservationSpec(_Strict):
    """The primary instrument, and the other instruments' differences from it (each gives a simulated observation)."""

    primary: str
    differences: list[str] = Field(default_factory=list)


class MonteCarloSpec(_Strict):
    """Coefficient sets from the fit's covariance, plus a prediction noise with the residuals' SD."""

    draws: int = Field(100_000, ge=100)
    seed: int = 0
    residual_ddof: int = Field(0, ge=0)


class MultiPredictorSpec(_Strict):
    """Several targets, each regressed (OLS) on its own set of predictors; Monte Carlo uncertainty."""

    name: str
    kind: Literal["multi_predictor"]
    description: str = ""
    reference: str = ""
    data: MultiDataSpec
    members: MemberRule = Field(default_factory=MemberRule)
    predictors: dict[str, FieldMetricSpec]
    predictands: dict[str, BandSumSpec]
    targets: dict[str, list[str]]
    observations: MultiObservationSpec
    method: Literal["ols"] = "ols"
    monte_carlo: MonteCarloSpec = Field(default_factory=MonteCarloSpec)
    priors: dict[str, MemberRule] = Field(default_factory=lambda: {"all": MemberRule()})

    @model_validator(mode="after")
    def _consistent(self) -> "MultiPredictorSpec":
        for t, preds in self.targets.items():
            if t not in self.predictands:
                raise MipError(f"target {t!r} has no predictand (predictands: {list(self.predictands)})")
            unknown = [p for p in preds if p not in self.predictors]
            if unknown or not preds:
                raise MipError(f"target {t!r}: unknown or no predictors {unknown} (predictors: {list(self.predictors)})")
        return self


def list_specs() -> dict[str, Path]:
    """Constraint specs by name: ``$MIP_CONSTRAINT_PATH`` folders first, then the shipped ``mip/constraints``."""
    return named_files("MIP_CONSTRAINT_PATH", "constraints")


def resolve_data_path(ref: str, base: Path | None = None) -> Path:
    """``bundled:<path>`` → the file inside the package's ``mip/data``; a relative path → against ``base``."""
    from importlib import resources

    if ref.startswith("bundled:"):
        return Path(str(resources.files("mip") / "data" / ref[len("bundled:"):]))
    p = Path(ref)
    return p if p.is_absolute() or base is None else (base / p).resolve()


def load_spec(path: str | Path) -> ConstraintSpec | MultiPredictorSpec:
    """Read and validate a constraint spec (``kind: multi_predictor`` selects :class:`MultiPredictorSpec`).

    Parameters
    ----------
    path
        YAML file.

    Returns
    -------
    ConstraintSpec or MultiPredictorSpec

    Raises
    ------
    InputError
        Naming the file and every invalid field.
    """
    from mip.io.yamlspec import read_yaml

    path = Path(path)
    raw = read_yaml(path, "a constraint spec") if path.exists() else None
    kind = raw.get("kind") if isinstance(raw, dict) else None  # load_model reports any other problem
    if kind == "multi_predictor":
        multi = load_model(path, MultiPredictorSpec, "a multi-predictor constraint spec")
        for f in ("fields", "observations", "fluxes"):
            setattr(multi.data, f, str(resolve_data_path(getattr(multi.data, f), path.parent)))
        return multi
    spec = load_model(path, ConstraintSpec, "a constraint spec")
    base = path.parent
    if spec.data.path and not Path(spec.data.path).is_absolute():
        spec.data.path = str((base / spec.data.path).resolve())
    if not spec.data.root.startswith("bundled:") and not Path(spec.data.root).is_absolute():
        spec.data.root = str((base / spec.data.root).resolve())
    return spec

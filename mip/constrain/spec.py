"""Constraint specifications: YAML files in ``mip/constraints/`` (and ``$MIP_CONSTRAINT_PATH``) validated by pydantic."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mip.yamlspec import load_model, named_files

__all__ = ["ConstraintSpec", "load_spec", "list_specs"]


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
    covariance: Literal["unscaled", "scaled"] = "unscaled"
    compare: list[Literal["odr", "ols", "wls", "bayes", "bootstrap"]] = Field(default_factory=list)
    gate: float | None = None
    discrepancy: float = 0.0

    @model_validator(mode="after")
    def _consistent(self) -> "ConstraintSpec":
        if self.data.kind == "table":
            if not self.data.path or not self.predictor.column or not self.predictand.column:
                raise ValueError("a table constraint needs data.path, predictor.column and predictand.column")
            if self.observations.value is None or self.observations.sd is None:
                raise ValueError("a table constraint needs observations.value and observations.sd")
        elif not self.data.models:
            raise ValueError("an airborne constraint needs data.models")
        return self


def list_specs() -> dict[str, Path]:
    """Constraint specs by name: ``$MIP_CONSTRAINT_PATH`` folders first, then the shipped ``mip/constraints``."""
    return named_files("MIP_CONSTRAINT_PATH", "constraints")


def load_spec(path: str | Path) -> ConstraintSpec:
    """Read and validate a constraint spec.

    Parameters
    ----------
    path
        YAML file.

    Returns
    -------
    ConstraintSpec

    Raises
    ------
    InputError
        Naming the file and every invalid field.
    """
    path = Path(path)
    spec = load_model(path, ConstraintSpec, "a constraint spec")
    base = path.parent
    if spec.data.path and not Path(spec.data.path).is_absolute():
        spec.data.path = str((base / spec.data.path).resolve())
    if not spec.data.root.startswith("bundled:") and not Path(spec.data.root).is_absolute():
        spec.data.root = str((base / spec.data.root).resolve())
    return spec

"""MIP protocols as data: YAML files in ``mip/protocols/`` (and ``$MIP_PROTOCOL_PATH``) validated by pydantic."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mip.errors import MipError
from mip.io.yamlspec import load_model, named_files, resolve_name, search_path

__all__ = ["Protocol", "load_protocol", "protocol_dir", "list_protocols"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CoordinateSpec(_Strict):
    """A regular coordinate: size, first value, step (ascending when positive), units.

    ``orientation: any`` accepts the same cells in either order and longitudes in [0, 360) as well as
    [-180, 180) (fluxmip's readers turn them to the canonical orientation); ``fixed`` (the default)
    requires ascending values starting at ``first``.
    """

    size: int
    first: float
    step: float
    units: list[str] = Field(default_factory=list)
    tolerance: float = 1e-4
    orientation: Literal["fixed", "any"] = "fixed"


class VariableSpec(_Strict):
    """A required (or optional) variable."""

    dims: list[str]
    units: str | list[str] | None = None  # one spelling, or every unit the MIP accepts (each a known spelling)
    kind: Literal["flux", "integer", "any"] = "flux"
    required: bool = True
    not_all_zero: bool = False
    total_range: tuple[float, float] | None = None  # global annual-mean total, Pg or Tg per yr
    long_name: str | None = None
    surface: Literal["land", "ocean", "both"] | None = None  # where the flux lives (default: from its name)


class TimeSpec(_Strict):
    """The time axis: a ``start_date`` [y, m, d] variable or a CF time coordinate."""

    mode: Literal["start_date", "cf"]
    variable: str
    first: str  # YYYY-MM
    months: int
    calendar: str = "standard"
    dim: str = "time"
    dim_aliases: list[str] = Field(default_factory=list)


class IdentitySpec(_Strict):
    """``target`` = sum of ``terms`` within ``atol`` (native units) + ``rtol``·|target|."""

    target: str
    terms: list[str]
    atol: float
    rtol: float = 1e-3


class SignSpec(_Strict):
    """Expected sign of a variable's global total (catches flipped conventions)."""

    variable: str
    expected: Literal["negative", "positive"]
    reason: str = ""


class EnsembleSpec(_Strict):
    """How ``mip check`` compares several files of one experiment (the members of an ensemble).

    Each file's global mean total of a variable is set against the other files' of the same experiment:
    its distance from their median in units of IQR/1.35 (the ensemble spread as a normal SD).  Beyond
    ``outlier`` it is an outlier; an outlier whose sign is opposite to the median's and whose negation
    would lie within ``outlier`` of the median is a likely sign error.  Needs ``min_files`` files.
    """

    outlier: float = 3.0
    min_files: int = 4
    severity_outlier: Literal["error", "warning"] = "warning"
    severity_sign: Literal["error", "warning"] = "error"


class CFSpec(_Strict):
    """CF conformance through the IOOS compliance-checker."""

    suite: str = "cf:1.8"
    severity: Literal["error", "warning"] = "warning"
    enabled: bool = True
    ignore: list[str] = Field(default_factory=list)  # messages containing any of these are not reported


class ClosureSpec(_Strict):
    """The growth-rate closure: the file's global total flux (+ prescribed fossil) equals the observed growth.

    ``variables`` are summed into the global total (Pg C/yr) of each calendar year the file covers in
    full; ``fossil`` adds the fossil emissions the MIP prescribed (for submissions that exclude them):
    ``oco2mip-v10`` (the v10 MIP's own, read from the bundled band files of Stephens et al. 2026:
    identical in every member, 0.12–0.17 Pg C/yr above the GCB's 2015–2019), ``gcb-2023`` (the GCB 2023
    fossil emissions net of cement carbonation, a stand-in when a MIP's own are not at hand), or the path
    of a CSV ``year,fossil`` (Pg C/yr); ``growth`` is ``noaa-gml`` (the bundled NOAA global growth rate,
    2020 vintage) or the path of a NOAA ``co2_gr_gl.txt``; × 2.124 Pg C/ppm.  ``tolerance: stated``
    (the default) derives each year's tolerance from stated uncertainties —
    ``sigmas × sqrt((NOAA's growth unc × 2.124)² + (fossil_unc × fossil)²)``, the fossil term only when
    the fossil added is not the MIP's own (GCB: 5 %) — never from the ensemble it judges; a number
    fixes it instead.  Only files whose ``experiment`` (the file pattern's group) is in
    ``experiments`` are checked, when given.
    """

    variables: list[str]
    tolerance: float | Literal["stated"] = "stated"
    sigmas: float = 2.0
    fossil_uncertainty: float | None = None  # relative one-sigma; default 0.05 for gcb-2023, 0 for the MIP's own
    fossil: str = "none"
    growth: str = "noaa-gml"
    severity: Literal["error", "warning"] = "warning"
    experiments: list[str] | None = None


class Protocol(_Strict):
    """Everything a submission file must satisfy."""

    name: str
    title: str
    description: str = ""
    gas: Literal["CO2", "CH4", "N2O"]
    file_pattern: str
    file_pattern_help: str = ""
    dims: dict[str, int]
    coordinates: dict[str, CoordinateSpec]
    variables: dict[str, VariableSpec]
    time: TimeSpec
    identities: list[IdentitySpec] = Field(default_factory=list)
    sign: list[SignSpec] = Field(default_factory=list)
    global_attributes: list[str] = Field(default_factory=list)
    variable_attributes: list[str] = Field(default_factory=lambda: ["units"])
    cf: CFSpec = Field(default_factory=CFSpec)
    closure: ClosureSpec | None = None
    sign_convention: Literal["atmosphere", "surface"] = "atmosphere"  # what values mean where a file says nothing
    unit_spellings: dict[str, str] = Field(default_factory=dict)  # a file's spelling -> a known one
    ensemble: EnsembleSpec = Field(default_factory=EnsembleSpec)

    def allowed_units(self, variable: str) -> list[str]:
        """The unit spellings a variable may use (empty: any unit of a flux)."""
        u = self.variables[variable].units
        return [] if u is None else [u] if isinstance(u, str) else list(u)

    @model_validator(mode="after")
    def _closure_is_co2(self) -> Protocol:
        if self.closure is not None:
            if self.gas != "CO2":
                raise MipError("closure: the growth-rate closure holds for CO2 only (CH4 and N2O have "
                                 "atmospheric sinks that are not surface fluxes)")
            unknown = [v for v in self.closure.variables if v not in self.variables]
            if unknown:
                raise MipError(f"closure.variables: {unknown} are not variables of the protocol")
        return self


def protocol_dir() -> Path:
    """The protocols shipped inside the package (``mip/protocols``)."""
    return search_path("MIP_PROTOCOL_PATH", "protocols")[-1]


def list_protocols() -> dict[str, Path]:
    """Known protocols by name: ``$MIP_PROTOCOL_PATH`` folders first, then the shipped ones."""
    return named_files("MIP_PROTOCOL_PATH", "protocols")


def load_protocol(name_or_path: str | Path) -> Protocol:
    """Load and validate a protocol by name or path.

    Raises
    ------
    MipError
        Unknown protocol name.
    InputError
        Invalid YAML or fields (each named).
    """
    p = resolve_name(name_or_path, list_protocols, "protocol")
    if not p.exists():
        raise MipError(f"protocol file {p} does not exist")
    return _load(str(p.resolve()), p.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _load(path: str, mtime: int) -> Protocol:
    return load_model(path, Protocol, "a MIP protocol")

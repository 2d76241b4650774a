"""How a native flux variable becomes canonical: one reading of its units, basis and sign.

The readers (:func:`mip.products._common.to_canonical_flux`) and the submission checks
(:mod:`mip.checks.rules`) both call :func:`read_flux`, so a file ``mip check`` passes enters the
budgets with exactly the factor, basis and sign the check used for its totals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mip.conventions.sign import Sign, read_sign
from mip.conventions.units import BASIS_OF_GAS, NativeUnit, factor_to, is_mass_rate, mass_basis, parse_native
from mip.errors import InputError

__all__ = ["FluxReading", "read_flux", "read_units"]


@dataclass(frozen=True)
class FluxReading:
    """What a native flux variable's values mean.

    Attributes
    ----------
    factor
        Multiply the native values by this to get ``kg m-2 s-1`` of the gas's reporting basis,
        positive to the atmosphere.
    unit
        The resolved native unit (its ``species`` filled in from the basis reading).
    sign
        The sign reading.
    basis
        The reporting basis of the result (``C``, ``CH4``, ``N``).
    basis_source
        Where the native mass basis was read (units, standard_name, long_name, the option).
    units
        The native units string.
    """

    factor: float
    unit: NativeUnit
    sign: Sign
    basis: str
    basis_source: str
    units: str


def read_flux(attrs: Mapping[str, object], global_attrs: Mapping[str, object] | None = None, *, gas: str,
              units: str | None = None, sign: str | None = None, convention: str | None = None,
              convention_name: str = "the product", basis: str | None = None, file: object = None,
              variable: str | None = None) -> FluxReading:
    """Read a flux variable's units, mass basis and sign into one conversion factor.

    Parameters
    ----------
    attrs, global_attrs
        The variable's and the file's attributes.
    gas
        ``"CO2"``, ``"CH4"`` or ``"N2O"``.
    units
        Native units (default ``attrs["units"]``).
    sign, convention, convention_name
        See :func:`mip.conventions.sign.read_sign`.
    basis
        See :func:`mip.conventions.units.mass_basis`.
    file, variable
        For messages.

    Returns
    -------
    FluxReading

    Raises
    ------
    InputError
        Unknown units, a total instead of a flux density, an undeterminable basis or sign.

    Examples
    --------
    >>> r = read_flux({"units": "gC m-2 d-1", "positive": "down"}, gas="CO2")
    >>> round(r.factor * 86400 * 1000, 12), r.sign.source
    (-1.0, "positive='down'")
    """
    nu, basis_source, f = read_units(attrs, gas=gas, units=units, basis=basis, file=file, variable=variable)
    s = read_sign(attrs, global_attrs, option=sign, convention=convention, convention_name=convention_name,
                  file=file, variable=variable)
    native_units = units if units is not None else attrs.get("units")
    return FluxReading(f * s.factor, nu, s, BASIS_OF_GAS[gas], basis_source, str(native_units))


def read_units(attrs: Mapping[str, object], *, gas: str, units: str | None = None, basis: str | None = None,
               file: object = None, variable: str | None = None) -> tuple[NativeUnit, str, float]:
    """A flux variable's units and mass basis: the factor to ``kg m-2 s-1`` of the gas's basis (no sign).

    Parameters
    ----------
    attrs
        The variable's attributes (``units``, ``standard_name``, ``long_name``, ...).
    gas
        ``"CO2"``, ``"CH4"`` or ``"N2O"``.
    units
        Native units (default ``attrs["units"]``).
    basis
        See :func:`mip.conventions.units.mass_basis`.
    file, variable
        For messages.

    Returns
    -------
    (NativeUnit, str, float)
        The unit with its species, where the basis was read, and the factor.
    """
    native_units = units if units is not None else attrs.get("units")
    nu = parse_native(None if native_units is None else str(native_units), file=file, variable=variable)
    if not nu.per_area:
        raise InputError(file, variable, f"units {native_units!r} (a total)", "a flux per unit area")
    basis_source = f"units {native_units!r}"
    if nu.species is None:
        if is_mass_rate(nu.unit):
            species, basis_source = mass_basis({**attrs, "units": native_units}, gas, basis, file=file,
                                               variable=variable)
            nu = NativeUnit(nu.unit, species, nu.per_area)
        else:
            basis_source = f"units {native_units!r} (moles of {gas})"
    return nu, basis_source, factor_to(nu, "kg / m**2 / s", BASIS_OF_GAS[gas], gas, file=file, variable=variable)

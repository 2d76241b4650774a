"""Units: one pint registry and the explicit table of native unit strings.

Inversion products spell their units in many ways ("gC per m2 per year",
"PgC/m2/yr", "mol m-2 s-1", ...).  Parsing them with pint alone is unsafe: a string
containing ``CO2`` parses with the digit as an exponent and ``g C m-2 yr-1`` parses
as degrees Celsius.  So every native string is looked up in :data:`NATIVE_UNITS`,
which gives a pint unit (a mass, or an amount of substance, of a named *species*)
and whether it is per area; pint then converts the dimensional part and the molar
masses below convert between species.  An unknown string is an error naming the
file and variable.

Canonical units are ``kg m-2 s-1`` of the reporting basis (``C`` for CO2 products,
``CH4`` for methane, ``N`` for nitrous oxide) for gridded fluxes, and ``Pg yr-1`` /
``Tg yr-1`` for totals.  pint's ``year`` is the Julian year, 365.25 days (udunits'
``year`` is 365.24219878 days); every ``yr`` in this package is the Julian year.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mip.errors import InputError, MipError

if TYPE_CHECKING:
    import pint

__all__ = [  # and ``ureg``, the registry, made on first access (module ``__getattr__``)
    "registry",
    "MOLAR_MASS",
    "NativeUnit",
    "NATIVE_UNITS",
    "BASIS_OF_GAS",
    "parse_native",
    "add_unit_spelling",
    "basis_units",
    "mass_basis",
    "species_factor",
    "factor_to",
    "is_mass_rate",
    "SECONDS_PER_YEAR",
]


@functools.lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """The package's single unit registry (``mip.conventions.units.ureg``), made on first use.

    A private copy of cf_xarray's (as xclim keeps one), with carbon and nitrogen masses defined on the
    copy only, so that importing fluxmip changes no other library's units.  Made on first use: pint and
    cf_xarray's registry take 0.4 s to import, which ``mip check`` never needs (see :func:`factor_to`).

    Returns
    -------
    pint.UnitRegistry
    """
    import copy

    import cf_xarray.units

    reg = copy.deepcopy(cf_xarray.units.units)
    reg.define("gram_carbon = gram = gC")
    reg.define("gram_nitrogen = gram = gN")
    return reg


def __getattr__(name: str) -> object:
    if name == "ureg":
        return registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: Molar masses in g/mol.
MOLAR_MASS: dict[str, float] = {
    "C": 12.011,
    "CO2": 44.0095,
    "CH4": 16.043,
    "N": 14.0067,
    "N2O": 44.013,
}

#: How many atoms (or molecules) of each reporting basis one molecule of a species holds.
_CONTENT: dict[str, dict[str, int]] = {
    "C": {"C": 1},
    "CO2": {"C": 1},
    "CH4": {"CH4": 1, "C": 1},
    "N": {"N": 1},
    "N2O": {"N": 2},
}

#: The reporting basis of each gas.
BASIS_OF_GAS: dict[str, str] = {"CO2": "C", "CH4": "CH4", "N2O": "N"}

#: Seconds in pint's (Julian) year, 365.25 days (tested against pint).
SECONDS_PER_YEAR: float = 365.25 * 86400.0


@dataclass(frozen=True)
class NativeUnit:
    """A native unit string resolved to something computable.

    Attributes
    ----------
    unit
        pint expression of the dimensional part (``"g / m**2 / year"``).
    species
        What the mass or amount is of: ``"C"``, ``"CO2"``, ``"CH4"``, ``"N"``,
        ``"N2O"``, or ``None`` when the product's own gas is meant (``"kg m-2 s-1"``).
    per_area
        True for flux densities, False for totals.
    """

    unit: str
    species: str | None
    per_area: bool


def _entries() -> dict[str, NativeUnit]:
    t: dict[str, NativeUnit] = {}

    def add(names: list[str], unit: str, species: str | None, per_area: bool = True) -> None:
        for n in names:
            t[_normalise(n)] = NativeUnit(unit, species, per_area)

    add(["gC per m2 per year", "gC/m2/yr", "gC/m2/year", "gC m-2 yr-1", "g C m-2 yr-1",
         "gC m^-2 yr^-1", "g C/m2/yr", "gC/m^2/yr", "g C m-2 year-1"], "g / m**2 / year", "C")
    add(["gC/m2/day", "gC m-2 d-1", "g C m-2 day-1", "gC/m2/d"], "g / m**2 / day", "C")
    add(["PgC/m2/yr", "PgC m-2 yr-1", "Pg C m-2 yr-1", "PgC/m2/year"], "Pg / m**2 / year", "C")
    add(["kgC/m2/s", "kg C m-2 s-1", "kgC m-2 s-1", "kg C/m2/s"], "kg / m**2 / s", "C")
    add(["gCO2/m2/yr", "g CO2 m-2 yr-1", "gCO2 m-2 yr-1", "gCO2/m2/year"], "g / m**2 / year", "CO2")
    add(["kgCO2/m2/s", "kg CO2 m-2 s-1"], "kg / m**2 / s", "CO2")
    add(["kg m-2 s-1", "kg/m2/s", "kg m**-2 s**-1", "kg/m^2/s"], "kg / m**2 / s", None)
    add(["g m-2 yr-1", "g/m2/yr", "g/m2/year"], "g / m**2 / year", None)
    add(["kg m-2 yr-1", "kg/m2/yr", "kg/m2/year", "kg m-2 year-1"], "kg / m**2 / year", None)
    add(["g m-2 d-1", "g/m2/day", "g m-2 day-1", "g/m2/d"], "g / m**2 / day", None)
    add(["kgC/m2/yr", "kg C m-2 yr-1", "kgC m-2 yr-1", "kgC/m2/year"], "kg / m**2 / year", "C")
    add(["molC m-2 s-1", "mol C m-2 s-1", "molC/m2/s"], "mol / m**2 / s", "C")
    add(["mol m-2 s-1", "mol/m2/s", "mol m**-2 s**-1"], "mol / m**2 / s", None)
    add(["umol m-2 s-1", "umol/m2/s", "µmol m-2 s-1", "micromol m-2 s-1"], "umol / m**2 / s", None)
    add(["kgCH4/m2/s", "kg CH4 m-2 s-1", "kgCH4 m-2 s-1"], "kg / m**2 / s", "CH4")
    add(["gCH4/m2/yr", "g CH4 m-2 yr-1"], "g / m**2 / year", "CH4")
    add(["kgN2O/m2/s", "kg N2O m-2 s-1", "kgN2O m-2 s-1"], "kg / m**2 / s", "N2O")
    add(["kgN/m2/s", "kg N m-2 s-1", "kgN m-2 s-1"], "kg / m**2 / s", "N")
    add(["gN/m2/yr", "g N m-2 yr-1", "gN m-2 yr-1", "gN/m2/year"], "g / m**2 / year", "N")
    add(["TgN/m2/yr", "Tg N m-2 yr-1"], "Tg / m**2 / year", "N")
    # totals
    add(["PgC/yr", "Pg C yr-1", "PgC yr-1", "PgC/year"], "Pg / year", "C", False)
    add(["TgC/yr", "Tg C yr-1", "TgC yr-1"], "Tg / year", "C", False)
    add(["TgCO2", "TgCO2/yr", "Tg CO2 yr-1", "TgCO2 yr-1"], "Tg / year", "CO2", False)
    add(["Tg CH4/yr", "TgCH4/yr", "Tg CH4 yr-1", "TgCH4 yr-1", "Tg CH4/year"], "Tg / year", "CH4", False)
    add(["TgN/yr", "Tg N/yr", "Tg N yr-1", "TgN yr-1", "TgN/year"], "Tg / year", "N", False)
    add(["TgN2O/yr", "Tg N2O yr-1", "Tg N2O/yr"], "Tg / year", "N2O", False)
    add(["Tg yr-1", "Tg/yr"], "Tg / year", None, False)
    add(["Pg yr-1", "Pg/yr"], "Pg / year", None, False)
    for name, entry in _generated().items():  # the usual ways of writing the rest; a listed spelling wins
        t.setdefault(name, entry)
    return t


_MASSES = {"g": "g", "kg": "kg", "mg": "mg", "tg": "Tg", "pg": "Pg", "gg": "Gg",
           "mol": "mol", "mmol": "mmol", "umol": "umol", "µmol": "umol", "micromol": "umol", "nmol": "nmol"}
_SPECIES = {"": None, "c": "C", "co2": "CO2", "ch4": "CH4", "n": "N", "n2o": "N2O"}
_TIMES = {"s": "s", "sec": "s", "d": "day", "day": "day", "yr": "year", "year": "year", "a": "year"}


def _generated() -> dict[str, NativeUnit]:
    """Flux-density spellings of every mass or amount × species × time in the styles files use.

    ``{m}{sp} m-2 {t}-1``, ``{m} {sp} m-2 {t}-1``, ``{m}{sp}/m2/{t}``, ``{m}{sp}/m^2/{t}``,
    ``{m}{sp} m^-2 {t}^-1``, ``{m}{sp} m**-2 {t}**-1``, ``{m}{sp} per m2 per {t}`` — e.g. ``gC m-2 day-1``,
    ``umol CO2 m-2 s-1``, ``kgN2O/m2/yr``.
    """
    out: dict[str, NativeUnit] = {}
    for m, unit_m in _MASSES.items():
        for sp, species in _SPECIES.items():
            for tm, unit_t in _TIMES.items():
                entry = NativeUnit(f"{unit_m} / m**2 / {unit_t}", species, True)
                for a in {m + sp, f"{m} {sp}".strip()}:
                    for form in (f"{a} m-2 {tm}-1", f"{a}/m2/{tm}", f"{a}/m^2/{tm}", f"{a} m^-2 {tm}^-1",
                                 f"{a} m**-2 {tm}**-1", f"{a} per m2 per {tm}", f"{a}/m2/{tm}".replace("/", " / ")):
                        out.setdefault(_normalise(form), entry)
    return out


def _normalise(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip()).lower()


#: Native unit string (case- and space-insensitive) → :class:`NativeUnit`.
NATIVE_UNITS: dict[str, NativeUnit] = _entries()


def parse_native(units: str | None, *, file: object = None, variable: str | None = None) -> NativeUnit:
    """Resolve a native unit string through :data:`NATIVE_UNITS`.

    Parameters
    ----------
    units
        The ``units`` attribute as written in the file.
    file, variable
        Where it came from, for the error message.

    Returns
    -------
    NativeUnit

    Raises
    ------
    InputError
        If the string is missing or not in the table (the message says how to add a spelling).
    """
    if units is None or not str(units).strip():
        raise InputError(file, variable, "no 'units' attribute",
                         "a units string such as 'gC per m2 per year' or 'kg m-2 s-1'")
    key = _normalise(str(units))
    if key not in NATIVE_UNITS and re.search(r"(?:/|per |\b)(?:month|mon|mo)(?:-1|\^-1|\*\*-1)?\b", key):
        raise InputError(file, variable, f"units {units!r}: an amount per month",
                         "a rate (per second, day or year)", "months last 28 to 31 days, so a per-month amount "
                         "is not one rate; divide each month's values by its length (its time bounds) and write "
                         "e.g. 'gC m-2 d-1'")
    if key not in NATIVE_UNITS:
        raise InputError(file, variable, f"unknown unit string {units!r}",
                         "a spelling fluxmip knows (mip.conventions.units.NATIVE_UNITS)",
                         f"if {units!r} is a legitimate spelling, say what it means in a known one: "
                         f"unit_spellings: {{{str(units)!r}: 'gC m-2 d-1'}} in the catalog entry or the protocol, "
                         f"or mip.conventions.units.add_unit_spelling({str(units)!r}, 'gC m-2 d-1') in Python")
    return NATIVE_UNITS[key]


def add_unit_spelling(spelling: str, same_as: str) -> NativeUnit:
    """Teach fluxmip another spelling of a unit it knows.

    Parameters
    ----------
    spelling
        The string as a file writes it (case and spacing do not matter).
    same_as
        A spelling already known (e.g. ``"gC m-2 d-1"``, ``"mol m-2 s-1"``, ``"Tg CH4/yr"``).

    Returns
    -------
    NativeUnit
        What the new spelling now means.

    Raises
    ------
    InputError
        ``same_as`` is unknown, or ``spelling`` is already known with another meaning (a spelling
        never changes meaning once fluxmip reads it one way).

    Examples
    --------
    >>> add_unit_spelling("grams C per sq metre per day", "gC m-2 d-1").species
    'C'
    """
    target = parse_native(same_as, variable="unit_spellings")
    key = _normalise(str(spelling))
    old = NATIVE_UNITS.get(key)
    if old is not None and old != target:
        raise InputError(None, "unit_spellings", f"{spelling!r} already means {old.unit} of {old.species or 'the gas'}",
                         f"a new spelling, or the same meaning as {same_as!r}")
    NATIVE_UNITS[key] = target
    return target


_C_WORDS = re.compile(r"\b(?:[kmtp]?g ?c)\b(?! ?o)|\bof carbon\b(?! dioxide)|\bas carbon\b|\bcarbon mass\b|"
                      r"\bexpressed as carbon\b|\bin carbon\b|\bcarbon equivalent", re.I)
_CO2_WORDS = re.compile(r"\b[kmtp]?g ?co2\b|\bof co2 mass\b|\bmass of (?:co2|carbon dioxide)\b|"
                        r"\bkilograms? of (?:co2|carbon dioxide)\b|\bexpressed as co2\b", re.I)
_N_WORDS = re.compile(r"\b[kmtp]?g ?n\b(?! ?2 ?o)|\bof nitrogen\b|\bas nitrogen\b|\bexpressed as nitrogen\b", re.I)
_N2O_WORDS = re.compile(r"\b[kmtp]?g ?n2o\b|\bmass of (?:n2o|nitrous oxide)\b|\bkilograms? of (?:n2o|nitrous oxide)\b",
                        re.I)
#: Mass bases a gas's fluxes are reported in; the first is assumed when a file names none (CH4 only: no
#: other basis is in use for methane), the others need the file's words or ``basis=``.
_BASES: dict[str, tuple[str, ...]] = {"CO2": ("C", "CO2"), "CH4": ("CH4",), "N2O": ("N", "N2O")}


def _said_basis(attrs: dict, gas: str) -> list[tuple[str, str]]:
    sn = str(attrs.get("standard_name", "") or "")
    said: list[tuple[str, str]] = []
    if "expressed_as_carbon" in sn:
        said.append(("C", f"standard_name {sn!r}"))
    elif "expressed_as_nitrogen" in sn:
        said.append(("N", f"standard_name {sn!r}"))
    elif gas == "CO2" and "carbon_dioxide" in sn:
        said.append(("CO2", f"standard_name {sn!r} (a mass of carbon dioxide)"))
    elif gas == "N2O" and "nitrous_oxide" in sn:
        said.append(("N2O", f"standard_name {sn!r} (a mass of nitrous oxide)"))
    if said:
        return said  # the standard name is the authoritative statement
    words = {"CO2": ((_C_WORDS, "C"), (_CO2_WORDS, "CO2")), "N2O": ((_N_WORDS, "N"), (_N2O_WORDS, "N2O"))}.get(gas, ())
    for key in ("long_name", "description", "comment", "units_comment"):
        text = str(attrs.get(key, "") or "")
        for rx, b in words:
            m = rx.search(text)
            if m:
                said.append((b, f"{key} {text!r} ({m.group(0)!r})"))
    return said


def mass_basis(attrs: dict, gas: str, option: str | None = None, *, file: object = None,
               variable: str | None = None) -> tuple[str, str]:
    """What a species-less mass unit (``kg m-2 s-1``) is a mass of, from the file's own words.

    A CF ``standard_name`` decides (``..._expressed_as_carbon``: carbon; ``..._carbon_dioxide``
    without it: CO2); otherwise the ``long_name``, ``description`` or ``comment`` ("kilograms of
    carbon", "kgC", "kg CO2", ...).  An explicit ``option`` must agree with what the file says.  For
    CO2 and N2O, whose fluxes are published both ways, a file that says nothing is refused: the
    factor between the two readings is 3.66 (CO2/C) or 1.57 (N2O/N).

    Parameters
    ----------
    attrs
        The variable's attributes.
    gas
        ``"CO2"``, ``"CH4"`` or ``"N2O"``.
    option
        The user's ``basis=`` (``"C"``, ``"CO2"``, ``"CH4"``, ``"N"``, ``"N2O"``).
    file, variable
        For messages.

    Returns
    -------
    (species, source)
        The species the mass is of, and where that was read.

    Raises
    ------
    InputError
        The file's words disagree, the option contradicts them, or nothing says (CO2, N2O).

    Examples
    --------
    >>> mass_basis({"long_name": "kilograms of carbon per m2 per year"}, "CO2")[0]
    'C'
    >>> mass_basis({"standard_name": "surface_downward_mass_flux_of_carbon_dioxide_expressed_as_carbon"}, "CO2")[0]
    'C'
    """
    allowed = _BASES.get(gas, (BASIS_OF_GAS.get(gas, gas),))
    said = _said_basis(attrs, gas)
    found = {b for b, _ in said}
    if len(found) > 1:
        raise InputError(file, variable, "words that disagree on what the mass is of: "
                         + "; ".join(f"{w} says {b}" for b, w in said), "one basis",
                         f"pass basis= one of {', '.join(allowed)} only after fixing the file's metadata")
    if option is not None:
        if option not in allowed:
            raise InputError(file, variable, f"basis={option!r}", f"one of {', '.join(allowed)} for {gas}")
        if found and option not in found:
            raise InputError(file, variable, f"basis={option!r} against the file's {said[0][1]} ({said[0][0]})",
                             "a basis option that agrees with the file, or none")
        return option, said[0][1] if said else "basis option"
    if said:
        return said[0]
    if len(allowed) == 1:
        return allowed[0], f"the mass of {gas} (the only basis in use for {gas})"
    raise InputError(file, variable, f"units {str(attrs.get('units'))!r} with nothing saying whether the mass is of "
                     f"{' or '.join(allowed)} (no standard_name, long_name or comment naming it)",
                     "a basis the file states, or basis=",
                     f"pass basis='{allowed[0]}' or basis='{allowed[1]}' (e.g. in the catalog entry's options); "
                     f"the two readings differ by a factor {MOLAR_MASS[allowed[1]] / MOLAR_MASS[allowed[0]] * (1 if gas == 'CO2' else 0.5):.3g}")


def species_factor(species: str, basis: str, *, amount: bool = False) -> float:
    """Factor turning a mass (or, with ``amount``, moles) of ``species`` into grams of ``basis``.

    Parameters
    ----------
    species
        ``"C"``, ``"CO2"``, ``"CH4"``, ``"N"`` or ``"N2O"``.
    basis
        The reporting basis: ``"C"``, ``"CH4"`` or ``"N"``.
    amount
        If True the input is in moles, so the result is grams of basis per mole.

    Returns
    -------
    float
        Per gram (or per mole) of ``species``.
    """
    content = _CONTENT.get(species, {})
    if basis not in content:
        raise MipError(f"cannot express {species} on a {basis} basis")
    grams_basis_per_mol = content[basis] * MOLAR_MASS[basis]
    if amount:
        return grams_basis_per_mol
    return grams_basis_per_mol / MOLAR_MASS[species]


def factor_to(native: NativeUnit, target: str, basis: str, gas_species: str,
              *, file: object = None, variable: str | None = None) -> float:
    """Multiplicative factor from a native unit to ``target`` units of ``basis``.

    Parameters
    ----------
    native
        The resolved native unit.
    target
        pint expression of the target unit (``"kg / m**2 / s"`` or ``"Tg / year"``).
    basis
        Reporting basis of the result (``"C"``, ``"CH4"``, ``"N"``).
    gas_species
        The product's gas (``"CO2"``, ``"CH4"``, ``"N2O"``); used when the native unit
        names no species (``"kg m-2 s-1"`` of the product's gas).
    file, variable
        For error messages.

    Returns
    -------
    float
    """
    quick = _rate_factor(native.unit, target)
    if quick is not None:  # every NATIVE_UNITS entry: the same factor as pint's (tested), without importing it
        scale, amount = quick
        return scale * species_factor(native.species or gas_species, basis, amount=amount) * (1e-3 if amount else 1.0)
    import pint

    try:
        return _factor(native, target, basis, gas_species)
    except pint.DimensionalityError as exc:
        raise InputError(file, variable, f"units {native.unit!r}",
                         f"units convertible to {target!r}") from exc


#: The symbols of :data:`NATIVE_UNITS`' pint expressions, in kg, mol, m and s (pint's values; tested).
_MASS_KG = {"g": 1e-3, "mg": 1e-6, "kg": 1.0, "Gg": 1e6, "Tg": 1e9, "Pg": 1e12}
_AMOUNT_MOL = {"mol": 1.0, "mmol": 1e-3, "umol": 1e-6, "nmol": 1e-9}
_TIME_S = {"s": 1.0, "day": 86400.0, "year": SECONDS_PER_YEAR}


def _rate(unit: str) -> tuple[str, float, bool, float] | None:
    """``"g / m**2 / year"`` → (``"mass"``, kg per g, per area, seconds per year); None off this grammar."""
    parts = [p.strip() for p in unit.split("/")]
    if len(parts) == 3 and parts[1] == "m**2":
        head, per_area, t = parts[0], True, parts[2]
    elif len(parts) == 2:
        head, per_area, t = parts[0], False, parts[1]
    else:
        return None
    if t not in _TIME_S or (head not in _MASS_KG and head not in _AMOUNT_MOL):
        return None
    kind = "mass" if head in _MASS_KG else "amount"
    return kind, (_MASS_KG | _AMOUNT_MOL)[head], per_area, _TIME_S[t]


def _rate_factor(unit: str, target: str) -> tuple[float, bool] | None:
    """(factor of the dimensional part, whether the unit is an amount) for a mass target; None: ask pint."""
    a, b = _rate(unit), _rate(target)
    if a is None or b is None or b[0] != "mass" or a[2] != b[2]:
        return None
    # value × (a's kg or mol / a's seconds) in (b's kg / b's seconds); an amount's grams come from the species
    scale = a[1] / a[3] * b[3] / b[1]
    return (scale, a[0] == "amount")


def is_mass_rate(unit: str) -> bool:
    """Whether a pint expression is a mass (not an amount of substance) per area per time, or per time.

    Parameters
    ----------
    unit
        A :class:`NativeUnit`'s ``unit``.

    Returns
    -------
    bool
    """
    quick = _rate(unit)
    if quick is not None:
        return quick[0] == "mass"
    q = registry().Quantity(1.0, unit)
    return bool(q.check("[mass] / [length] ** 2 / [time]") or q.check("[mass] / [time]"))


@functools.lru_cache(maxsize=256)
def _factor(native: NativeUnit, target: str, basis: str, gas_species: str) -> float:
    """:func:`factor_to` by pint, for units beyond :func:`_rate`'s grammar (cached: members share their units)."""
    ureg = registry()
    species = native.species or gas_species
    q = ureg.Quantity(1.0, native.unit)
    is_amount = q.check("[substance] / [length] ** 2 / [time]") or q.check("[substance] / [time]")
    if is_amount:
        per_mol = species_factor(species, basis, amount=True)  # g basis per mol
        q = (q * ureg.Quantity(per_mol, "g / mol")).to_base_units()
        return float(q.to(target).magnitude)
    return float(q.to(target).magnitude) * species_factor(species, basis)


def basis_units(units: str, basis: str | None = None) -> str:
    """Units of a total with its basis stated: ``Pg yr-1`` of ``C`` → ``Pg C yr-1``.

    Examples
    --------
    >>> basis_units("Pg yr-1", "C"), basis_units("Tg yr-1", "CH4"), basis_units("Pg C yr-1", "C")
    ('Pg C yr-1', 'Tg CH4 yr-1', 'Pg C yr-1')
    """
    u = str(units or "")
    if basis and basis not in u.split():
        head, _, rest = u.partition(" ")
        return f"{head} {basis} {rest}".strip() if rest else f"{u} {basis}"
    return u


_CF_RATE = re.compile(r"\s*(g|mg|kg|Gg|Tg|Pg)\s*(?:(yr|year|s|d|day)-1|/\s*(yr|year|s|d|day))\s*")
_CF_TIME_S = {**_TIME_S, "yr": _TIME_S["year"], "d": _TIME_S["day"]}


def _mass_rate(units: object) -> float | None:
    """The kilograms per second in one ``<mass> yr-1`` / ``<mass>/yr`` (g … Pg; s, d, yr), or None otherwise."""
    m = _CF_RATE.fullmatch(str(units)) if units is not None else None
    if m is None:
        return None
    return _MASS_KG[m[1]] / _CF_TIME_S[m[2] or m[3]]


def total_factor(units: str | None, target: str = "Tg yr-1", *, what: str = "a total") -> float:
    """The factor that turns a mass rate in ``units`` into ``target`` (``Pg yr-1`` → ``Tg yr-1``: 1000), by pint.

    The one conversion of totals the budgets use (no factor tables of their own).  The species is not part of
    the units here (the basis is stated apart, in ``reported_as``); a unit that is not a mass per time is
    refused.

    Parameters
    ----------
    units
        The total's units, e.g. ``Pg yr-1`` (udunits/CF syntax).
    target
        The units wanted.
    what
        What the total is, for the message.

    Returns
    -------
    float

    Raises
    ------
    MipError
        For units that are missing or not a mass rate.

    Examples
    --------
    >>> total_factor("Pg yr-1"), total_factor("Gg yr-1"), round(total_factor("kg s-1", "Pg yr-1"), 12)
    (1000.0, 0.001, 3.15576e-05)
    """
    from mip.errors import MipError

    a, b = _mass_rate(units), _mass_rate(target)
    if a is not None and b is not None:  # the usual spellings, without building the registry (tested against pint)
        return a / b
    try:
        q = registry().Quantity(1.0, str(units)).to(target)
    except Exception as exc:  # pint's UndefinedUnitError, DimensionalityError, a None ...
        raise MipError(f"{what}: units {units!r}, expected a mass per time such as 'Pg yr-1' or 'Tg yr-1' "
                       f"({type(exc).__name__})") from None
    return float(q.magnitude)

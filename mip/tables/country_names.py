"""One mapping of country names to ISO 3166 alpha-3 codes, shared by every national table.

The codes are those of :func:`mip.regions.countries` (Natural Earth's ``ISO_A3_EH``, else ``ADM0_A3``),
so a national inventory lines up with the countries a budget is aggregated to.  Names are matched after
normalisation (accents, case, punctuation and ``&``/``and`` do not matter) against every name Natural
Earth gives a country (``NAME``, ``NAME_LONG``, ``ADMIN``, ``FORMAL_EN``, ``NAME_SORT``, ``NAME_EN``,
``BRK_NAME``, ``GEOUNIT``), then against the explicit table :data:`EXTRA` of spellings the published
tables use that Natural Earth does not.  Names of groups (:data:`AGGREGATES`: World, EU27, OECD,
continents, bunkers, …) are recognised as such and never mapped to a country, so they cannot be summed
with countries.  :func:`map_names` reports every name it could not place.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from mip.errors import MipError

__all__ = ["normalise", "EXTRA", "AGGREGATES", "ISO_TERRITORIES", "HISTORICAL", "CODE_ALIASES", "name_table", "iso3",
           "map_names", "map_codes"]

#: Spellings in the GCB, UNFCCC, OWID and EDGAR tables that Natural Earth does not use → ISO alpha-3.
EXTRA: dict[str, str] = {
    "USA": "USA", "United States": "USA", "Viet Nam": "VNM", "Türkiye": "TUR", "Turkey": "TUR",
    "State of Palestine": "PSE", "Palestine": "PSE", "Bonaire, Saint Eustatius and Saba": "BES",
    "Russian Federation": "RUS", "Korea, Republic of": "KOR", "Republic of Korea": "KOR",
    "Korea, Democratic People's Republic of": "PRK", "Czech Republic": "CZE", "Swaziland": "SWZ",
    "Cape Verde": "CPV", "Faeroe Islands": "FRO", "Macao": "MAC", "Macau": "MAC",
    "Wallis and Futuna Islands": "WLF", "Micronesia (Federated States of)": "FSM",
    "Sint Maarten (Dutch part)": "SXM", "Saint Helena": "SHN", "Kosovo": "KOS", "Vatican City": "VAT",
    "United Kingdom of Great Britain and Northern Ireland": "GBR", "United States of America": "USA",
    "Iran (Islamic Republic of)": "IRN", "Bolivia (Plurinational State of)": "BOL",
    "Venezuela (Bolivarian Republic of)": "VEN", "Syrian Arab Republic": "SYR", "Lao People's Democratic Republic": "LAO",
    "Republic of Moldova": "MDA", "United Republic of Tanzania": "TZA", "Brunei Darussalam": "BRN",
}
#: Group names the tables carry beside countries (never a country; never summed with them).
AGGREGATES: frozenset[str] = frozenset({
    "world", "global", "eu27", "eu28", "eu 27", "european union", "european union convention",
    "european union kp", "european union 27", "european union 28", "oecd", "non oecd", "kp annex b",
    "non kp annex b", "annex i", "non annex i", "africa", "asia", "central america", "europe", "middle east",
    "north america", "oceania", "south america", "bunkers", "statistical difference", "other", "disputed",
    "international transport", "international aviation", "international shipping", "high income countries",
    "low income countries", "lower middle income countries", "upper middle income countries",
    "asia excl china and india", "europe excl eu 27", "europe excl eu 28", "north america excl usa",
    "international transport total", "world excl china", "world excl china and india", "world excl usa",
    "least developed countries jones et al", "oecd jones et al", "kuwaiti oil fires", "int shipping",
    "int aviation",
})
#: ISO 3166-1 alpha-3 codes of territories Natural Earth draws inside another country (French overseas
#: departments, ...) or not at all: kept as their own entities, never merged into another.
ISO_TERRITORIES: dict[str, str] = {
    "UMI": "United States Minor Outlying Islands", "GLP": "Guadeloupe", "MTQ": "Martinique", "BVT": "Bouvet Island",
    "GUF": "French Guiana", "MYT": "Mayotte", "REU": "Réunion", "GIB": "Gibraltar", "CCK": "Cocos (Keeling) Islands",
    "CXR": "Christmas Island", "TKL": "Tokelau",
}
#: Entities of the past that tables list apart (ISO 3166-3 or no code): kept apart, never summed with their
#: successors.  ``RYU`` is fluxmip's own code (there is no ISO one).
HISTORICAL: dict[str, str] = {
    "ANT": "Netherlands Antilles (dissolved 2010)", "SCG": "Serbia and Montenegro (until 2006)",
    "RYU": "Ryukyu Islands (under US administration 1945-1972, Japan since)",
}
#: Codes tables use that are not ISO alpha-3 → the code fluxmip keys that entity by (None: a group).
CODE_ALIASES: dict[str, str | None] = {"OWID_KOS": "KOS", "OWID_WRL": None, "AIR": None, "SEA": None}
#: Names without a code in the tables → fluxmip's code.
_NAMED_HISTORICAL = {"ryukyu islands": "RYU"}


def normalise(name: object) -> str:
    """Lower case, ASCII, ``&`` → ``and``, punctuation → spaces, single spaces.

    Examples
    --------
    >>> normalise("Côte d'Ivoire"), normalise("ANTIGUA & BARBUDA")
    ('cote d ivoire', 'antigua and barbuda')
    """
    s = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", s).split())


@functools.lru_cache(maxsize=1)
def name_table() -> dict[str, str]:
    """Normalised name → ISO alpha-3: every Natural Earth name of the bundled countries, then :data:`EXTRA`."""
    from importlib import resources

    import pandas as pd
    from pyogrio.raw import read  # pyogrio alone: geopandas is optional

    path = str(resources.files("mip") / "data" / "natural-earth" / "ne_50m_admin_0_countries.zip")
    fields = ["NAME", "NAME_LONG", "ADMIN", "FORMAL_EN", "NAME_SORT", "NAME_EN", "BRK_NAME", "GEOUNIT",
              "ISO_A3_EH", "ADM0_A3"]
    meta, _, _, values = read(path, columns=fields, read_geometry=False)
    df = pd.DataFrame(dict(zip(meta["fields"], values)))[fields]
    table: dict[str, str] = {}
    for r in df.itertuples(index=False):
        code = r.ISO_A3_EH if r.ISO_A3_EH not in (None, "-99") else r.ADM0_A3
        for n in (r.NAME, r.NAME_LONG, r.ADMIN, r.FORMAL_EN, r.NAME_SORT, r.NAME_EN, r.BRK_NAME, r.GEOUNIT):
            if n:
                table.setdefault(normalise(n), code)
    for n, code in EXTRA.items():
        table[normalise(n)] = code
    return table


def iso3(name: str) -> str | None:
    """The ISO alpha-3 code of a country name; None for a group (:data:`AGGREGATES`).

    Raises
    ------
    MipError
        A name that is neither a known country nor a known group.

    Examples
    --------
    >>> iso3("United States of America"), iso3("Türkiye"), iso3("World")
    ('USA', 'TUR', None)
    """
    key = normalise(name)
    if key in AGGREGATES:
        return None
    code = name_table().get(key)
    if code is None:
        raise MipError(f"country name {name!r}: not in the ISO alpha-3 table (Natural Earth names and "
                       "mip.tables.country_names.EXTRA); add it to EXTRA if it is a country, or to AGGREGATES if a group")
    return code


def map_names(names: Iterable[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """Map many names at once: (name → code, the groups, the unmatched names), nothing dropped silently.

    Parameters
    ----------
    names
        As the table writes them.

    Returns
    -------
    mapping, aggregates, unmatched
    """
    mapping, groups, unmatched = {}, [], []
    for n in names:
        key = normalise(n)
        if key in AGGREGATES:
            groups.append(n)
        elif key in name_table():
            mapping[n] = name_table()[key]
        elif key in _NAMED_HISTORICAL:
            mapping[n] = _NAMED_HISTORICAL[key]
        else:
            unmatched.append(n)
    return mapping, groups, unmatched


def map_codes(entities: Iterable[tuple[object, str]]) -> tuple[dict[str, str], list[str], list[str]]:
    """Map (code, name) pairs of a code-keyed table (OWID, EDGAR) to fluxmip's country keys.

    A code of a Natural Earth country, of :data:`ISO_TERRITORIES` or :data:`HISTORICAL` is kept; a code of
    :data:`CODE_ALIASES` is translated (or marks a group); an entity without a code is placed by its name
    (:func:`map_names`: a group, or a country the name table knows).

    Parameters
    ----------
    entities
        ``(code, name)``; ``code`` empty or NaN where the table has none.

    Returns
    -------
    mapping, groups, unmatched
        ``name → code``, the names of groups, and ``"name (code)"`` of what could not be placed.

    Examples
    --------
    >>> map_codes([("JPN", "Japan"), ("OWID_WRL", "World"), ("", "Africa"), ("SEA", "Int. Shipping")])
    ({'Japan': 'JPN'}, ['World', 'Africa', 'Int. Shipping'], [])
    """
    known = set(name_table().values()) | set(ISO_TERRITORIES) | set(HISTORICAL)
    mapping, groups, unmatched = {}, [], []
    for code, name in entities:
        code = "" if code is None or (isinstance(code, float) and code != code) else str(code).strip()
        if code in CODE_ALIASES:
            target = CODE_ALIASES[code]
            (groups.append(name) if target is None else mapping.__setitem__(name, target))
        elif code in known:
            mapping[name] = code
        elif not code:
            m, g, u = map_names([name])
            mapping.update(m)
            groups += g
            unmatched += [f"{n} (no code)" for n in u]
        else:
            unmatched.append(f"{name} ({code})")
    return mapping, groups, unmatched

"""What a catalog from another group may do: checked before intake reads it.

A catalog is data, not code.  Before :func:`intake.open_catalog` sees a file, it is parsed with the
guarded YAML reader (:func:`mip.io.yamlspec.read_yaml`: size, alias expansion and depth limited) and
refused if it would run or import anything (``plugins:``, a driver other than fluxmip's, a template
expression other than ``{{ CATALOG_DIR }}``: intake evaluates templates with jinja2 when it reads a
catalog), or if an entry's arguments are malformed.  Each entry's members are later kept inside its data root
(:func:`check_member_path`).  A user who trusts a catalog lifts the code and path rules with
``MIP_TRUST_CATALOGS=1``; the YAML limits always hold.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from mip.errors import InputError

__all__ = ["check_catalog_file", "check_label", "check_member_path", "trusted", "DRIVERS"]

#: The drivers a catalog may name without being trusted.
DRIVERS = ("mip.catalog.ProductSource", "mip.catalog.source.ProductSource")
#: ProductSource's arguments and the type each must have.
_ARGS = {"family": str, "urlpath": str, "models": list, "experiments": list, "options": dict,
         "model_options": dict, "data_root": str, "check_all_nan": bool, "regrid": list, "unit_spellings": dict}
_PLACEHOLDERS = {"data_root", "model", "experiment"}
#: Unicode categories a label may not hold: controls (C0, DEL, C1), format characters (bidi overrides,
#: zero-width joiners: a label that displays as another), surrogates, private-use and unassigned code points,
#: line and paragraph separators.
_UNPRINTABLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def _unprintable(text: str) -> bool:
    import unicodedata

    return any(unicodedata.category(ch) in _UNPRINTABLE for ch in text)


def trusted() -> bool:
    """Whether the user has said catalogs may import code and read outside their data root."""
    from mip._options import get_option

    return bool(get_option("trust_catalogs"))


def check_label(label: object, kind: str, where: str) -> str:
    """A model or experiment label that can name a file: text, no control characters, no path parts.

    Parameters
    ----------
    label
        The label as the catalog gives it.
    kind
        ``"model"`` or ``"experiment"``.
    where
        The catalog and entry, for the message.

    Returns
    -------
    str

    Raises
    ------
    InputError
        A label that is not text, is empty, holds a control character (a NUL byte, a newline), a path
        separator or is ``.``/``..``.
    """
    if isinstance(label, bool) or not isinstance(label, (str, int, float)):
        raise InputError(where, f"{kind}s", f"a {kind} label of type {type(label).__name__} ({label!r})",
                         "text labels")
    text = str(label)
    if not text.strip() or _unprintable(text) or "/" in text or "\\" in text or text in (".", ".."):
        raise InputError(where, f"{kind}s", f"the {kind} label {text!r}",
                         "a label without control characters, path separators or '..' (it names a file)")
    return text


def check_catalog_file(path: Path, raw: object) -> None:
    """Refuse a catalog that would import code or whose entries are malformed.

    Parameters
    ----------
    path
        The catalog file (for messages).
    raw
        Its parsed YAML (:func:`mip.io.yamlspec.read_yaml`).

    Raises
    ------
    InputError
        Naming the file, the entry and the field.
    """
    if not isinstance(raw, dict) or not isinstance(raw.get("sources"), dict):
        raise InputError(path, "sources", "no mapping of entries", "an intake YAML catalog with 'sources:'")
    if not trusted():
        for where, text in _strings(raw, ""):
            rest = _CATALOG_DIR.sub("", text)
            if "{{" in rest or "{%" in rest or "{#" in rest:
                raise InputError(path, where or "(top level)", f"the template expression {text!r} (intake evaluates "
                                 "templates when it reads a catalog)", "no template but {{ CATALOG_DIR }}",
                                 "set MIP_TRUST_CATALOGS=1 if you trust this file's author")
    if "plugins" in raw and not trusted():
        raise InputError(path, "plugins", "a plugins section (it imports Python modules when the catalog is read)",
                         "a catalog without plugins", "set MIP_TRUST_CATALOGS=1 if you trust this file's author")
    for name, entry in raw["sources"].items():
        where = f"{path} (entry {name!r})"
        if not isinstance(entry, dict):
            raise InputError(where, None, f"a {type(entry).__name__}", "a mapping with driver and args")
        driver = entry.get("driver")
        if driver not in DRIVERS and not trusted():
            raise InputError(where, "driver", repr(driver), f"one of {', '.join(DRIVERS)}",
                             "other drivers run code; set MIP_TRUST_CATALOGS=1 if you trust this file's author")
        if driver in DRIVERS:
            _check_args(where, entry.get("args"))


_CATALOG_DIR = re.compile(r"\{\{\s*CATALOG_DIR\s*\}\}")


def _strings(node: object, where: str):
    """Every text (keys too) in a parsed YAML document, with where it is."""
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for k, v in node.items():
            here = f"{where}.{k}" if where else str(k)
            yield from _strings(k, here)
            yield from _strings(v, here)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, f"{where}[{i}]")


def _check_arg_types(where: str, args: dict) -> None:
    """Known arguments only, ``family`` and ``urlpath`` given, each of its type."""
    unknown = sorted(set(args) - set(_ARGS) - {"metadata"}, key=str)
    if unknown:
        raise InputError(where, "args", f"unknown argument(s) {', '.join(map(str, unknown))}",
                         f"some of {', '.join(_ARGS)}")
    for k in ("family", "urlpath"):
        if k not in args:
            raise InputError(where, k, "nothing", f"the {k} argument")
    for k, v in args.items():
        want = _ARGS.get(k)
        if want is not None and v is not None and (not isinstance(v, want) or (want is not bool and isinstance(v, bool))):
            raise InputError(where, k, f"{v!r} (a {type(v).__name__})", f"a {want.__name__}")


def _check_options(where: str, args: dict) -> None:
    """Option mappings keyed by text; per-model options only for listed models."""
    for k in ("options", "model_options", "unit_spellings"):
        keys = [x for x in (args.get(k) or {}) if not isinstance(x, str)]
        if keys:
            raise InputError(where, k, f"non-text key(s) {keys!r}", "option names as text")
    listed = {str(m) for m in args.get("models") or []}
    for m, o in (args.get("model_options") or {}).items():
        if not isinstance(o, dict):
            raise InputError(where, f"model_options.{m}", repr(o), "a mapping of reader options")
        if listed and str(m) not in listed:
            raise InputError(where, f"model_options.{m}", f"options for {m!r}, a model the entry does not list",
                             f"one of the listed models ({', '.join(sorted(listed))})")


def _check_args(where: str, args: object) -> None:
    """An entry's ``args``: types, the urlpath's placeholders, labels, options and the regrid resolution."""
    if not isinstance(args, dict):
        raise InputError(where, "args", repr(args), "a mapping of the ProductSource arguments")
    _check_arg_types(where, args)
    fields = set(re.findall(r"(?<!\{)\{([^{}]*)\}(?!\})", args["urlpath"]))
    bad = sorted(fields - _PLACEHOLDERS)
    if bad:
        raise InputError(where, "urlpath", f"placeholder(s) {', '.join('{' + b + '}' for b in bad)}",
                         "only {data_root}, {model} and {experiment}")
    for kind in ("model", "experiment"):
        for label in args.get(f"{kind}s") or []:
            check_label(label, kind, where)
    _check_options(where, args)
    regrid = args.get("regrid")
    if regrid is not None:
        from mip.geometry.regrid import check_resolution

        check_resolution(regrid, where)


def check_member_path(path: Path, base: Path | None, where: str) -> Path:
    """A member's file, refused if it lies outside the entry's data root (unless catalogs are trusted).

    Parameters
    ----------
    path
        The formatted urlpath.
    base
        The data root (``{data_root}``) or the catalog's folder; ``None`` when neither is known.
    where
        The catalog entry, for the message.

    Returns
    -------
    pathlib.Path
    """
    if base is None or trusted():
        return path
    inside = Path(os.path.normpath(os.path.abspath(path)))
    root = Path(os.path.normpath(os.path.abspath(base)))
    if inside != root and root not in inside.parents:
        raise InputError(where, "urlpath", f"a member file outside the data root ({path}; root {root})",
                         "member files inside the data root or the catalog's folder",
                         "set MIP_TRUST_CATALOGS=1 if you trust this file's author")
    return path

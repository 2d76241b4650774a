"""``mip catalog list|show``: the catalogs fluxmip finds, or what one holds."""

from __future__ import annotations

import argparse

from mip.cli._common import Parents
from mip.errors import MipError


def add_parser(sub, parents: Parents) -> None:
    """Declare ``mip catalog``."""
    c = sub.add_parser("catalog", help="list catalogs or show what one holds")
    c.add_argument("action", choices=["list", "show"])
    c.add_argument("name", nargs="?")
    c.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """List the named catalogs or show one's entries."""
    from mip.catalog import list_catalogs, open_catalog

    if args.action == "list":
        for name, path in list_catalogs().items():
            cat = open_catalog(path)
            title = (cat.metadata or {}).get("title", "")
            print(f"{name:16s} {title}  [{', '.join(list(cat))}]")
        return 0
    if not args.name:
        raise MipError("mip catalog show needs a catalog NAME (see 'mip catalog list')")
    cat = open_catalog(args.name)
    md = cat.metadata or {}
    print(f"{args.name}: {md.get('title', '')} (version {md.get('product_version', '?')})")
    for entry in cat:
        d = cat[entry].describe()
        a = d.get("args", {})
        print(f"\n  {entry}: {d.get('description', '')}")
        print(f"    family:      {a.get('family')}")
        print(f"    files:       {a.get('urlpath')}")
        if a.get("models"):
            print(f"    models:      {', '.join(a['models'])}")
        if a.get("experiments"):
            print(f"    experiments: {', '.join(a['experiments'])}")
        if a.get("options"):
            print(f"    options:     {a['options']}")
        if a.get("model_options"):
            print(f"    per model:   {a['model_options']}")
        if a.get("unit_spellings"):
            print(f"    unit spellings: {a['unit_spellings']}")
    return 0

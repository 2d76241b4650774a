"""The package's layout: the boxes import only boxes before them in the data flow, no import cycle, no old paths."""

import ast
import importlib
from pathlib import Path

import pytest

import mip

ROOT = Path(mip.__file__).parent


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(path: Path, name: str, modules: set[str]) -> set[str]:
    """Modules of ``mip`` imported at module level (imports inside functions run later and cannot cycle at import).

    ``from pkg import sub`` depends on ``pkg.sub`` (the package ``pkg`` is this module's parent, imported first
    anyway, or it is a name the package defines).
    """
    tree = ast.parse(path.read_text())
    out = set()
    pkg = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in tree.body:
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("mip")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(pkg.split(".")[: len(pkg.split(".")) - node.level + 1] + ([base] if base else []))
            if base.startswith("mip"):
                subs = {f"{base}.{a.name}" for a in node.names} & modules
                out |= subs if subs else {base}
    return out


def graph() -> dict[str, set[str]]:
    mods = {module_name(p): p for p in ROOT.rglob("*.py")}
    return {m: {i for i in top_level_imports(p, m, set(mods)) if i in mods and i != m and not m.startswith(i + ".")}
            for m, p in mods.items()}


def test_no_import_cycle():
    g = graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for n in sorted(g[m]):
            if state.get(n) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(n):] + [n]))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(g):
        if m not in state:
            visit(m)
    assert len(g) > 60  # every module was seen


def test_the_folder_list_reads_as_the_data_flow():
    boxes = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert {"conventions", "geometry", "regions", "products", "tables", "obs", "catalog", "checks", "budgets",
            "constrain", "report", "io", "testing"} <= boxes
    flat = sorted(p.stem for p in ROOT.glob("*.py") if not p.stem.startswith("_"))
    assert flat == ["errors"], flat


#: The boxes of mip/ in the order of the data flow; a box may import only boxes before it (or its own modules).
FLOW = ["errors", "_lazy", "_options", "conventions", "geometry", "io", "regions", ("products", "tables", "obs"), "catalog",
        "budgets", "monitoring", "checks", "constrain", "testing", "report", "cli"]
RANK = {b: i for i, level in enumerate(FLOW) for b in ((level,) if isinstance(level, str) else level)}


def every_import(path: Path) -> list[tuple[int, str]]:
    """Every ``mip`` module a file imports, at module level and inside functions alike (line, module)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
    return [(line, m) for line, m in out if m == "mip" or m.startswith("mip.")]


def test_every_import_follows_the_data_flow():
    """conventions → geometry → io → regions → products/tables/obs → catalog → budgets → monitoring → checks →
    constrain → testing → report → cli: an import against the flow, even one inside a function, fails here."""
    against = []
    for p in sorted(ROOT.rglob("*.py")):
        parts = p.relative_to(ROOT).parts
        box = parts[0].removesuffix(".py")
        if box in ("__init__", "__main__"):
            continue  # the package's own __init__ re-exports every box (lazily)
        assert box in RANK, f"{p}: a box the flow does not place"
        for line, m in every_import(p):
            target = m.split(".")[1] if m.count(".") else None
            if target is None or target == box:
                continue
            assert target in RANK, f"{p}:{line} imports {m}: a box the flow does not place"
            if RANK[target] > RANK[box]:
                against.append(f"{p.relative_to(ROOT)}:{line} imports {m}")
    assert not against, "imports against the data flow:\n" + "\n".join(against)


@pytest.mark.parametrize("old", ["mip.aggregation", "mip.trends", "mip.grid", "mip.sample"])
def test_no_module_answers_at_an_old_path(old):
    """0.1.0 has no deprecation shims (CHANGELOG.md): a module lives at one path, and nothing sits on sys.meta_path."""
    import sys

    sys.modules.pop(old, None)
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(old)
    assert not [f for f in sys.meta_path if type(f).__module__.startswith("mip")]


def test_regions_read_no_files():
    """Region constructors are pure compute: every file is read in the I/O layer (mip.io.regionfiles)."""
    readers = ("open_netcdf", "open_dataset", "read_file", "pyogrio", "np.load", "resources.files", "netCDF4")
    offenders = []
    for p in sorted((ROOT / "regions").glob("*.py")):
        tree = ast.parse(p.read_text())
        for node in ast.walk(tree):
            text = ast.unparse(node) if isinstance(node, (ast.Call, ast.Import, ast.ImportFrom)) else ""
            if isinstance(node, ast.Call):
                text = ast.unparse(node.func)
            hit = [r for r in readers if r in text]
            if hit:
                offenders.append(f"{p.name}:{node.lineno}: {hit[0]}")
    assert offenders == []


def test_no_module_name_is_used_in_two_boxes():
    """``national.py`` in budgets and in report read alike in a traceback: each name says what its module does.

    The command modules of ``mip/cli/`` are named for their command (``mip report`` is ``cli/report.py``), and
    private helpers (``_common.py``) are not part of the API: both are left out.
    """
    seen: dict[str, list[str]] = {}
    for p in ROOT.rglob("*.py"):
        rel = p.relative_to(ROOT)
        if p.stem.startswith("_") or rel.parts[0] == "cli" or len(rel.parts) < 2:
            continue
        seen.setdefault(p.stem, []).append(str(rel))
    assert {k: v for k, v in seen.items() if len(v) > 1} == {}

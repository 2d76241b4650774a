"""Every ``mip.…`` name the README and the docs use in their Python snippets exists after ``import mip``."""

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def snippet_names():
    names = set()
    for doc in DOCS:
        for block in re.findall(r"```python\n(.*?)```", doc.read_text(), flags=re.S):
            names |= set(re.findall(r"\bmip(?:\.[A-Za-z_]\w*)+", block))
            for mod, what in re.findall(r"from (mip[\w.]*) import ([\w, ]+)", block):
                names |= {f"{mod}.{w.strip()}" for w in what.split(",") if w.strip()}
    return sorted(names)


@pytest.mark.parametrize("name", snippet_names())
def test_documented_name_exists(name):
    """Imported as the snippet would (``from mip.x._y import z`` imports ``mip.x._y``), then looked up."""
    parts = name.split(".")
    for k in range(len(parts), 0, -1):  # the longest module the name starts with
        try:
            obj = importlib.import_module(".".join(parts[:k]))
            break
        except ModuleNotFoundError:
            continue
    for part in parts[k:]:
        obj = getattr(obj, part)  # AttributeError if the docs name something that does not exist


def test_the_snippets_were_found():
    assert {"mip.open_ensemble", "mip.aggregate"} <= set(snippet_names())


@pytest.mark.parametrize("doc", ["README.md", "docs/getting-started.md"])
def test_the_snippets_run(doc, tmp_path, monkeypatch, capsys):
    """Every Python block of the document, in order, in one namespace, in an empty folder."""
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / doc).read_text(), flags=re.S)
    assert blocks
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, doc, "exec"), namespace)  # noqa: S102  (our own documentation)


def test_your_own_mip_tutorial_runs(tmp_path, monkeypatch, capsys):
    """docs/own-mip.md from start to end: Python blocks run, YAML blocks marked '# file: NAME' are written,
    every 'mip ...' line of a bash block runs through the CLI with the exit status its comment gives."""
    import shlex

    from mip.cli import main

    monkeypatch.chdir(tmp_path)
    text = (ROOT / "docs" / "own-mip.md").read_text()
    namespace: dict = {}
    ran = {"python": 0, "yaml": 0, "bash": 0}
    for lang, block in re.findall(r"```(python|yaml|bash)\n(.*?)```", text, flags=re.S):
        if lang == "python":
            exec(compile(block, "docs/own-mip.md", "exec"), namespace)  # noqa: S102  (our own documentation)
        elif lang == "yaml":
            first, _, body = block.partition("\n")
            assert first.startswith("# file: "), first
            (tmp_path / first[len("# file: "):].strip()).write_text(body)
        else:
            for line in block.splitlines():
                cmd, _, comment = line.partition("#")
                if not cmd.strip().startswith("mip "):
                    continue
                want = int(comment.split("exit")[1]) if "exit" in comment else 0
                assert main(shlex.split(cmd)[1:]) == want, line
                ran["bash"] += 1
        ran[lang] += lang != "bash"
    assert ran == {"python": 2, "yaml": 2, "bash": 4}
    out = capsys.readouterr().out
    assert "Jena-CS ocean +2.70 Pg C/yr (2019 mean): likely sign error" in out  # what the page says it prints
    assert "[[-1.6 -1.6]]" in out
    assert (tmp_path / "report" / "index.html").exists() and (tmp_path / "checks.html").exists()

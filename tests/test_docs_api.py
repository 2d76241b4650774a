"""Every ``mip.…`` name the README and the docs use in their Python snippets exists after ``import mip``."""

import re
from pathlib import Path

import pytest

import mip

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
    obj = mip
    for part in name.split(".")[1:]:
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

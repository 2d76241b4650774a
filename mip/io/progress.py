"""Progress on a terminal for every step of long work: off unless a command (or the user) turns it on.

Library code reports its steps here — :func:`steps` wraps a loop (opening N members), :func:`stage`
times a step that is one call (building region weights) — and nothing is shown unless
:func:`showing` is active, as the ``mip`` commands make it when standard error is a terminal and
``--quiet`` is not given.  Importing this changes nothing; the switch is a context variable, so
threads and other callers are unaffected.
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["showing", "enabled", "steps", "stage"]

T = TypeVar("T")
_ON: contextvars.ContextVar[bool] = contextvars.ContextVar("mip_progress", default=False)


@contextlib.contextmanager
def showing(on: bool = True) -> Iterator[None]:
    """Show progress (on standard error) inside the block."""
    token = _ON.set(on)
    try:
        yield
    finally:
        _ON.reset(token)


def enabled() -> bool:
    """Whether progress is shown here."""
    return _ON.get()


def steps(items: Iterable[T], desc: str, *, total: int | None = None, unit: str = "item") -> Iterable[T]:
    """``items`` with a progress bar when progress is on.

    Parameters
    ----------
    items
        What the loop goes over.
    desc, unit
        The bar's label and unit.
    total
        Its length, when ``items`` has none.
    """
    if not enabled():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, total=total, unit=unit, file=sys.stderr, leave=False)


@contextlib.contextmanager
def stage(desc: str) -> Iterator[None]:
    """One step: ``desc …`` when it starts, and its duration when it ends (only when progress is on)."""
    if not enabled():
        yield
        return
    t0 = time.perf_counter()
    print(f"{desc} ...", file=sys.stderr, flush=True)
    yield
    print(f"{desc}: done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)

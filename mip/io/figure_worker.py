"""Figures rendered in a second process while the caller goes on computing.

Drawing and encoding a figure (matplotlib's Agg) is pure Python and C under the GIL: the demo's
report spent 5–6 s of its ~23 s in 26 ``savefig`` calls on one core while the machine's second
core sat idle.  Inside :func:`rendering_in_background`, :func:`mip.io.save_figure` pickles the
figure (matplotlib figures are picklable; a 1° map with three panels pickles in 0.18 s against 0.7 s
to render) and hands it to one worker process (``python -m mip.io.figure_worker``), which renders it and
writes it atomically as :func:`mip.io.save_figure` does; the PNG is byte-identical.  The block
ends only when every figure is written; a figure that failed is an error naming its file, and
then the caller writes no page that would show it.

The worker is a plain subprocess speaking length-prefixed pickles on its standard input (our
own objects, between our own processes), not :mod:`multiprocessing`, which would re-import a
user's unguarded ``__main__`` script in the child.  With one usable CPU, or
``MIP_BACKGROUND_FIGURES=0``, figures are rendered in place.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import pickle
import queue
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from mip.errors import MipError
from mip.io.writes import atomic_write

__all__ = ["rendering_in_background", "save_figure", "submit"]

_ACTIVE: contextvars.ContextVar["_Worker | None"] = contextvars.ContextVar("mip_figure_worker", default=None)
_HEADER = struct.Struct("<Q")


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _Worker:
    """One rendering subprocess, fed one figure at a time by a thread of this process.

    The thread sends a figure only when the worker has reported the previous one, so figures
    not yet sent stay here: when the caller is done, it draws those itself while the worker
    finishes its last (both cores busy to the end), and if the worker dies they are drawn here.
    """

    def __init__(self) -> None:
        self.errors = tempfile.TemporaryFile()  # a file, not a pipe: the worker never waits on its warnings
        self.proc = subprocess.Popen([sys.executable, "-m", "mip.io.figure_worker"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.errors)
        self.sent: list[str] = []
        self.done: dict[str, str | None] = {}  # figure → None (written) or why not
        self.jobs: queue.Queue[tuple[str, int, object, bytes] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._feed, name="mip-figures", daemon=True)
        self.thread.start()

    def _feed(self) -> None:
        stdin, stdout = self.proc.stdin, self.proc.stdout
        try:
            while (job := self.jobs.get()) is not None:
                stdin.write(_HEADER.pack(len(job[3])))
                stdin.write(job[3])
                stdin.flush()
                line = stdout.readline()  # the worker's report of this figure (the GIL is free meanwhile)
                if not line:
                    break  # the worker stopped: this figure is reported lost at close, the rest drawn here
                with contextlib.suppress(ValueError, TypeError, KeyError):
                    rec = json.loads(line)
                    self.done[rec["path"]] = rec["error"]
        except OSError:  # a broken pipe: as above
            pass
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def submit(self, fig, path: Path, dpi: int) -> None:
        import matplotlib

        savefig_rc = {k: v for k, v in matplotlib.rcParams.items() if k.startswith("savefig.")}
        payload = pickle.dumps((str(path), int(dpi), savefig_rc, fig), protocol=pickle.HIGHEST_PROTOCOL)
        self.sent.append(str(path))
        self.jobs.put((str(path), int(dpi), fig, payload))

    def close(self, *, discard: bool = False) -> None:
        """Draw here what the worker has not taken, wait for the rest; raise naming each figure not written.

        ``discard``: the caller failed; figures not yet taken are dropped and the worker is stopped.
        """
        while True:
            try:
                job = self.jobs.get_nowait()
            except queue.Empty:
                break
            if job is None:
                continue
            if discard:
                self.sent.remove(job[0])
                continue
            try:
                save_figure(job[2], job[0], dpi=job[1], background=False)
                self.done[job[0]] = None
            except Exception as exc:  # named with the others below
                self.done[job[0]] = f"{type(exc).__name__}: {exc}"
        self.jobs.put(None)
        self.thread.join()
        self.proc.stdout.close()
        self.proc.wait()
        self.errors.seek(0)
        err = self.errors.read()
        self.errors.close()
        failed = [f"{p}: {self.done[p]}" for p in self.sent if self.done.get(p)]
        lost = [p for p in self.sent if p not in self.done]
        if failed or lost:
            why = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {self.proc.returncode}"]
            raise MipError("figures not written: " + "; ".join(
                failed + [f"{p}: the rendering process stopped ({why[0]})" for p in lost]))


@contextlib.contextmanager
def rendering_in_background(enabled: bool | None = None) -> Iterator[None]:
    """Render the figures saved inside the block in a second process; wait for them all at its end.

    Parameters
    ----------
    enabled
        ``None`` (default): when more than one CPU is usable and ``MIP_BACKGROUND_FIGURES`` is not
        ``0``; ``False``: render in place.

    Raises
    ------
    MipError
        At the end of the block, naming every figure that could not be written.
    """
    if enabled is None:
        from mip._options import get_option

        enabled = _cpus() > 1 and bool(get_option("background_figures"))
    if not enabled or _ACTIVE.get() is not None:
        yield
        return
    try:
        worker = _Worker()
    except OSError:  # no second process to be had: render in place
        yield
        return
    token = _ACTIVE.set(worker)
    try:
        yield
    except BaseException:
        _ACTIVE.reset(token)
        with contextlib.suppress(Exception):
            worker.close(discard=True)
        raise
    _ACTIVE.reset(token)
    worker.close()


def submit(fig, path: Path, dpi: int) -> bool:
    """Hand ``fig`` to the active worker (True), or return False when figures are rendered in place."""
    worker = _ACTIVE.get()
    if worker is None:
        return False
    worker.submit(fig, path, dpi)
    return True


def save_figure(fig, path: str | Path, *, dpi: int = 100, background: bool = True) -> Path:
    """Save a matplotlib figure atomically and close it.

    The figure is saved as it is laid out (every figure of fluxmip lays itself out with
    ``tight_layout``): a ``bbox_inches="tight"`` save draws the figure twice, which cost the demo's
    26 figures 1.5 s.

    Parameters
    ----------
    fig
        The figure.
    path
        PNG (or any format matplotlib infers from the suffix).
    dpi
        Resolution.
    background
        Inside :func:`mip.io.figure_worker.rendering_in_background`, hand the figure to the second
        process (default) instead of drawing it here.

    Returns
    -------
    pathlib.Path
    """
    import matplotlib.pyplot as plt

    if background and submit(fig, Path(path), dpi):  # inside rendering_in_background: the second process draws it
        plt.close(fig)
        return Path(path)
    with atomic_write(path) as tmp:
        fig.savefig(tmp, dpi=dpi)
    plt.close(fig)
    return Path(path)


def _serve() -> None:
    """The worker: read (path, dpi, rc, figure) messages until end of input, render each, report each."""
    import matplotlib

    matplotlib.use("Agg")

    stdin, stdout = sys.stdin.buffer, sys.stdout
    while head := stdin.read(_HEADER.size):
        (n,) = _HEADER.unpack(head)
        path, dpi, rc, fig = pickle.loads(stdin.read(n))
        try:
            with matplotlib.rc_context(rc):
                save_figure(fig, path, dpi=dpi)
            error = None
        except Exception as exc:  # reported to the caller, which names the figure
            error = f"{type(exc).__name__}: {exc}"
        stdout.write(json.dumps({"path": path, "error": error}) + "\n")
        stdout.flush()


if __name__ == "__main__":
    _serve()

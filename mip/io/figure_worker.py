"""Figures rendered in a second process while the caller goes on computing.

Drawing and encoding a figure (matplotlib's Agg) is pure Python and C under the GIL: the demo's
report spent 5–6 s of its ~23 s in 26 ``savefig`` calls on one core while the machine's second
core sat idle.  Inside :func:`rendering_in_background`, :func:`mip.io.save_figure` pickles the
figure (matplotlib figures are picklable; a 1° map with three panels pickles in 0.18 s against 0.7 s
to render) and hands it to one worker process (``python -m mip.io.figure_worker``), which renders it and
writes it atomically as :func:`mip.io.save_figure` does; the PNG is byte-identical.  The block
ends only when every figure is written; a figure that failed is an error naming its file, and
then the caller writes no page that would show it.

A figure can also be handed over as a *drawing*: a picklable callable that returns the figure
(``functools.partial(draw, data, ...)`` of a module-level function).  The worker then builds the
figure too, and the caller pays neither the building (creating axes, ticks and artists is most of
a figure's Python time) nor pickling a whole figure (a figure's object graph pickles far slower
than the data it shows): the demo's main process spent 3.4 s on the two.  A drawing that cannot
be pickled is drawn in place.  The worker draws under the caller's matplotlib settings (every
``rcParams`` entry changed from the defaults).

The worker is a plain subprocess speaking length-prefixed pickles on its standard input (our
own objects, between our own processes), not :mod:`multiprocessing`, which would re-import a
user's unguarded ``__main__`` script in the child.  With one usable CPU, or
``MIP_BACKGROUND_FIGURES=0``, figures are rendered in place.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import json
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from mip.errors import MipError
from mip.io.writes import atomic_write

__all__ = ["rendering_in_background", "prestart", "save_figure", "submit"]

_ACTIVE: contextvars.ContextVar["_Worker | None"] = contextvars.ContextVar("mip_figure_worker", default=None)
_HEADER = struct.Struct("<Q")


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _Deque:
    """Jobs shared by the feeder thread (oldest first, waiting for one) and close() (newest first, never waiting)."""

    def __init__(self) -> None:
        self._items: collections.deque = collections.deque()
        self._ready = threading.Condition()

    def put(self, job) -> None:
        with self._ready:
            self._items.append(job)
            self._ready.notify()

    def oldest(self):
        """The oldest job, waiting for one (``None`` is the end)."""
        with self._ready:
            while not self._items:
                self._ready.wait()
            return self._items.popleft()

    def newest(self):
        """The newest job, or None when there is none (an end mark is passed over)."""
        with self._ready:
            while self._items:
                job = self._items.pop()
                if job is not None:
                    return job
            return None


class _Worker:
    """One rendering subprocess, fed one figure at a time by a thread of this process.

    The thread sends a figure only when the worker has reported the previous one, so figures
    not yet sent stay here: when the caller is done, it draws those itself while the worker
    finishes its last (both cores busy to the end), and if the worker dies they are drawn here.
    """

    def __init__(self, preload: tuple[str, ...] = ()) -> None:
        self.errors = tempfile.TemporaryFile()  # a file, not a pipe: the worker never waits on its warnings
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")  # drawing: one thread
        self.proc = subprocess.Popen([sys.executable, "-m", "mip.io.figure_worker", *preload], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.errors, env=env)
        self.sent: list[str] = []
        self.done: dict[str, str | None] = {}  # figure → None (written) or why not
        self.jobs = _Deque()  # the feeder takes the oldest figure, close() the newest (see close)
        self.thread = threading.Thread(target=self._feed, name="mip-figures", daemon=True)
        self.thread.start()

    def _feed(self) -> None:
        stdin, stdout = self.proc.stdin, self.proc.stdout
        try:
            while (job := self.jobs.oldest()) is not None:
                try:
                    stdin.write(_HEADER.pack(len(job[3])))
                    stdin.write(job[3])
                    stdin.flush()
                except OSError:  # the worker was gone before it took this figure: drawn here at close
                    self.jobs.put(job)
                    break
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
        # absolute: the worker's working folder is the one this process had when it started (a prestarted
        # worker's may be long gone), and a relative path must mean what it means here, now
        path = Path(path).absolute()
        rc = _changed_rc()
        try:
            payload = pickle.dumps((str(path), int(dpi), rc, fig), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            if not is_drawing(fig):
                raise
            import matplotlib.pyplot as plt

            fig = fig()  # a drawing that cannot travel (a lambda, a local function): drawn here, sent as a figure
            payload = pickle.dumps((str(path), int(dpi), rc, fig), protocol=pickle.HIGHEST_PROTOCOL)
            plt.close(fig)  # as save_figure closes a figure it hands over
        self.sent.append(str(path))
        self.jobs.put((str(path), int(dpi), fig, payload))

    def _draw_here(self, discard: bool) -> None:
        """Draw in this process every figure still queued, newest first (or drop them, when discarding)."""
        while (job := self.jobs.newest()) is not None:
            if discard:
                self.sent.remove(job[0])
                continue
            try:
                save_figure(job[2], job[0], dpi=job[1], background=False)
                self.done[job[0]] = None
            except Exception as exc:  # named with the others in close()
                self.done[job[0]] = f"{type(exc).__name__}: {exc}"

    def close(self, *, discard: bool = False) -> None:
        """Draw here what the worker has not taken, wait for the rest; raise naming each figure not written.

        ``discard``: the caller failed; figures not yet taken are dropped and the worker is stopped.
        """
        # Newest first: the sections computed last (often the costliest figures, maps) are drawn here while
        # the worker works through the oldest, so neither is left alone with a large figure at the end.
        self._draw_here(discard)
        self.jobs.put(None)
        self.thread.join()
        self._draw_here(discard)  # a figure the feeder could not hand over as the worker stopped
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
def rendering_in_background(enabled: bool | None = None, *, preload: tuple[str, ...] = ()) -> Iterator[None]:
    """Render the figures saved inside the block in a second process; wait for them all at its end.

    Parameters
    ----------
    enabled
        ``None`` (default): when more than one CPU is usable and ``MIP_BACKGROUND_FIGURES`` is not
        ``0``; ``False``: render in place.
    preload
        Modules the second process imports before the first figure arrives (those of the drawings
        the block hands over).  A process started by :func:`prestart` is used if there is one.

    Raises
    ------
    MipError
        At the end of the block, naming every figure that could not be written.
    """
    if enabled is None:
        enabled = _wanted()
    if not enabled or _ACTIVE.get() is not None:
        yield
        return
    try:
        worker = _PRESTARTED.pop() if _PRESTARTED else _Worker(preload)
    except OSError:  # no second process to be had: render in place
        yield
        return
    from threadpoolctl import threadpool_limits

    token = _ACTIVE.set(worker)
    # BLAS threads spin while they wait: with the worker on a core, numpy's two threads on a 2-core machine
    # made the demo's 200 000-draw constraint sampling 2-4x slower; one core fewer for them while the block runs
    limits = threadpool_limits(limits=max(1, _cpus() - 1), user_api="blas")
    try:
        yield
    except BaseException:
        _ACTIVE.reset(token)
        limits.restore_original_limits()
        with contextlib.suppress(Exception):
            worker.close(discard=True)
        raise
    _ACTIVE.reset(token)
    try:
        worker.close()
    finally:
        limits.restore_original_limits()


def _wanted() -> bool:
    from mip._options import get_option

    return _cpus() > 1 and bool(get_option("background_figures"))


_PRESTARTED: list[_Worker] = []


def prestart(preload: tuple[str, ...] = ()) -> None:
    """Start the second process now, for the next :func:`rendering_in_background` block to use.

    Starting Python and importing matplotlib and ``preload`` takes the second process 1-2 s of a
    core that is otherwise idle while the caller imports and prepares (``mip demo`` calls this first).
    Nothing is started with one usable CPU or ``MIP_BACKGROUND_FIGURES=0``; a process no block
    uses is stopped when the interpreter exits.

    Parameters
    ----------
    preload
        Modules to import in the second process (see :func:`rendering_in_background`).
    """
    if _PRESTARTED or not _wanted():
        return
    try:
        _PRESTARTED.append(_Worker(preload))
    except OSError:
        return
    import atexit

    atexit.unregister(_stop_prestarted)
    atexit.register(_stop_prestarted)


def _stop_prestarted() -> None:
    """Stop a prestarted process no block used (it holds no figure)."""
    while _PRESTARTED:
        worker = _PRESTARTED.pop()
        with contextlib.suppress(Exception):
            worker.proc.kill()
            worker.jobs.put(None)
            worker.thread.join()
            worker.proc.wait()
            worker.errors.close()


def _changed_rc() -> dict:
    """The caller's matplotlib settings that differ from the defaults (the backend aside)."""
    import matplotlib

    default = matplotlib.rcParamsDefault
    return {k: v for k, v in matplotlib.rcParams.items() if k != "backend" and v != default.get(k)}


def is_drawing(obj) -> bool:
    """Whether ``obj`` is a drawing (a callable returning a figure) rather than a figure."""
    from matplotlib.figure import FigureBase

    return callable(obj) and not isinstance(obj, FigureBase)


def submit(fig, path: Path, dpi: int) -> bool:
    """Hand ``fig`` (a figure or a drawing) to the active worker (True), or return False when figures are rendered in place."""
    worker = _ACTIVE.get()
    if worker is None:
        return False
    worker.submit(fig, path, dpi)
    return True


def save_figure(fig, path: str | Path, *, dpi: int = 100, background: bool = True) -> Path:
    """Save a matplotlib figure atomically and close it; or draw it first, given a drawing.

    A figure with a tight layout engine (fluxmip's, but for the small multiples placed with fixed margins by
    :func:`mip.io.figure_layout.fixed_margins`) is laid out once, at the saving
    resolution, and then drawn once: matplotlib saves a figure that keeps its layout engine by
    drawing it twice, laying it out each time (38 % of the demo's figure time: 15.2 -> 12.6 s for
    its 26 figures).  Nor is it saved ``bbox_inches="tight"``, which draws twice as well.

    Parameters
    ----------
    fig
        The figure, or a drawing: a callable returning it (``functools.partial(draw, data)``), which
        inside :func:`mip.io.figure_worker.rendering_in_background` the second process calls.
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

    drawing = is_drawing(fig)
    if background and submit(fig, Path(path), dpi):  # inside rendering_in_background: the second process draws it
        if not drawing:
            plt.close(fig)
        return Path(path)
    if drawing:
        fig = fig()
    _lay_out_once(fig, dpi)
    # zlib level 3, not PIL's 6: the demo's 26 PNGs encode in 0.49 s of CPU instead of 0.83 s, 6 % larger
    kw = {"pil_kwargs": {"compress_level": 3}} if Path(path).suffix.lower() == ".png" else {}
    with atomic_write(path) as tmp:
        fig.savefig(tmp, dpi=dpi, **kw)
    plt.close(fig)
    return Path(path)


def _lay_out_once(fig, dpi: float) -> None:
    """Run a tight layout engine now, at ``dpi``, and take it off, so that saving draws the figure once."""
    import matplotlib
    from matplotlib.layout_engine import TightLayoutEngine

    engine = fig.get_layout_engine()
    if not isinstance(engine, TightLayoutEngine) or not fig.axes:
        return
    saved = fig.dpi
    fig.dpi = dpi  # text is measured as it will be drawn
    try:
        engine.execute(fig)
    finally:
        fig.dpi = saved
    with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)  # none at all: "none" leaves a placeholder, which still draws twice


def _waiting(stream, timeout: float) -> bool:
    """Whether input arrives on ``stream`` within ``timeout`` seconds (True where that cannot be known).

    Exact here: the feeder sends a figure only once the previous one is reported, so nothing waits in
    the stream's buffer when the worker asks.
    """
    import select

    try:
        return bool(select.select([stream], [], [], timeout)[0])
    except (OSError, ValueError):  # select on a pipe is POSIX only
        return True


def _serve(preload: list[str] | tuple[str, ...] = ()) -> None:
    """The worker: read (path, dpi, rc, figure or drawing) messages until end of input, render each, report each.

    ``preload``: modules imported first (the drawings'); a module's ``warm_up()``, if it has one, is
    called while no figure waits: the work its first figure would do otherwise (imports, cached data).
    """
    import importlib

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401  (imported while the caller computes, not on the first figure)

    warm_ups = []
    for module in preload:  # the drawings' modules, likewise; one that fails to import fails its figures
        with contextlib.suppress(Exception):
            warm_up = getattr(importlib.import_module(module), "warm_up", None)
            if callable(warm_up):
                warm_ups.append(warm_up)

    stdin, stdout = sys.stdin.buffer, sys.stdout
    while True:
        # idle (no figure came within 50 ms): what the modules' first figures would do, done now
        while warm_ups and not _waiting(stdin, 0.05):
            with contextlib.suppress(Exception):  # only a saving: a figure that needs it does it again and reports
                warm_ups.pop(0)()
        if not (head := stdin.read(_HEADER.size)):
            break
        (n,) = _HEADER.unpack(head)
        path, dpi, rc, fig = pickle.loads(stdin.read(n))
        try:
            with matplotlib.rc_context(rc):
                save_figure(fig, path, dpi=dpi)  # a drawing is drawn under the caller's settings too
            error = None
        except Exception as exc:  # reported to the caller, which names the figure
            error = f"{type(exc).__name__}: {exc}"
        stdout.write(json.dumps({"path": path, "error": error}) + "\n")
        stdout.flush()


if __name__ == "__main__":
    _serve(sys.argv[1:])
    # Every figure is written and reported: skip the interpreter's teardown (0.3-0.4 s with matplotlib and
    # the report's modules loaded), which the caller would otherwise wait for at the end of its block.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)

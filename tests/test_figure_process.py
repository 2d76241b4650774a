"""Figures drawn by a second process (mip.io.figure_worker): the same bytes, every failure named, nothing partial."""

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mip.errors import MipError  # noqa: E402
from mip.io import save_figure  # noqa: E402
from mip.io.figure_worker import rendering_in_background  # noqa: E402


def _figure(k: int):
    fig, axes = plt.subplots(2, 2, figsize=(6, 4))
    for i, ax in enumerate(axes.ravel()):
        ax.plot(np.arange(20), np.sin(np.arange(20) * (k + i + 1) / 5), label=f"series {k}.{i}")
        ax.set_title(f"panel {i}")
        ax.legend(fontsize=6)
    fig.suptitle(f"figure {k}")
    fig.set_layout_engine("tight")
    return fig


def test_background_figures_are_the_same_bytes(tmp_path):
    for k in range(3):
        save_figure(_figure(k), tmp_path / f"here_{k}.png", dpi=80, background=False)
    with rendering_in_background(True):
        for k in range(3):
            save_figure(_figure(k), tmp_path / f"there_{k}.png", dpi=80)
    for k in range(3):
        assert (tmp_path / f"there_{k}.png").read_bytes() == (tmp_path / f"here_{k}.png").read_bytes()


def test_a_figure_that_cannot_be_written_is_named(tmp_path):
    (tmp_path / "taken.png").mkdir()  # a folder where the figure should go: the rename over it fails
    with pytest.raises(MipError, match=r"figures not written: .*taken\.png: \w+Error"):
        with rendering_in_background(True):
            save_figure(_figure(0), tmp_path / "ok.png")
            save_figure(_figure(1), tmp_path / "taken.png")
    assert (tmp_path / "ok.png").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.png", "taken.png"]  # no temporary file left


def test_a_dead_worker_loses_only_the_figure_it_held(tmp_path):
    from functools import partial

    with pytest.raises(MipError, match=r"first\.png: the rendering process stopped") as err:
        with rendering_in_background(True):
            save_figure(partial(os._exit, 3), tmp_path / "first.png")  # a drawing that ends the worker holding it
            save_figure(_figure(1), tmp_path / "second.png")
    assert "second.png" not in str(err.value)
    assert (tmp_path / "second.png").exists() and not (tmp_path / "first.png").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["second.png"]  # no temporary file left behind


def test_figures_a_worker_never_took_are_drawn_here(tmp_path):
    from mip.io import figure_worker as figures

    with rendering_in_background(True):
        worker = figures._ACTIVE.get()
        worker.proc.kill()  # gone before the first figure (a prestarted process that died, say)
        worker.proc.wait()
        for k in range(3):
            save_figure(_figure(k), tmp_path / f"f{k}.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f0.png", "f1.png", "f2.png"]


def test_an_error_in_the_block_stops_without_waiting_for_queued_figures(tmp_path):
    with pytest.raises(ZeroDivisionError):
        with rendering_in_background(True):
            save_figure(_figure(0), tmp_path / "a.png")
            1 / 0


def test_off_with_the_environment_variable(tmp_path, monkeypatch):
    from mip.io import figure_worker as figures

    monkeypatch.setenv("MIP_BACKGROUND_FIGURES", "0")
    with rendering_in_background():
        assert figures._ACTIVE.get() is None
        save_figure(_figure(0), tmp_path / "a.png")
        assert (tmp_path / "a.png").exists()  # drawn in place, at once
    assert os.environ["MIP_BACKGROUND_FIGURES"] == "0"


def _table():
    import pandas as pd

    years = np.arange(2000, 2012)
    return pd.DataFrame({"year": years, "noaa_pgc_per_yr": 4 + np.sin(years / 3.0),
                         "gcb_atmospheric_growth": 4.1 + np.sin(years / 3.0)})


def test_a_drawing_is_built_by_the_worker_to_the_same_bytes_under_the_callers_settings(tmp_path):
    from functools import partial

    from mip.report.figures import growth_rate

    with matplotlib.rc_context({"lines.linewidth": 4.0, "axes.facecolor": "0.9"}):
        save_figure(growth_rate(_table()), tmp_path / "here.png", dpi=80, background=False)
        with rendering_in_background(True):
            save_figure(partial(growth_rate, _table()), tmp_path / "there.png", dpi=80)
    save_figure(growth_rate(_table()), tmp_path / "default.png", dpi=80, background=False)
    assert (tmp_path / "there.png").read_bytes() == (tmp_path / "here.png").read_bytes()
    assert (tmp_path / "default.png").read_bytes() != (tmp_path / "here.png").read_bytes()  # the settings mattered


def test_a_drawing_that_cannot_travel_is_drawn_here_and_one_that_fails_is_named(tmp_path):
    from functools import partial

    from mip.report.figures import growth_rate

    plt.close("all")
    with pytest.raises(MipError, match=r"figures not written: .*broken\.png: KeyError") as err:
        with rendering_in_background(True):
            save_figure(lambda: _figure(0), tmp_path / "local.png")  # a lambda cannot be pickled
            assert plt.get_fignums() == []  # drawn here and handed over: not left open in pyplot
            save_figure(partial(growth_rate, _table().drop(columns="year")), tmp_path / "broken.png")
            save_figure(partial(growth_rate, _table()), tmp_path / "fine.png")
    assert "local.png" not in str(err.value) and "fine.png" not in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fine.png", "local.png"]  # nothing partial


def test_a_tight_figure_is_laid_out_once_and_drawn_once_to_the_same_pixels(tmp_path, monkeypatch):
    from io import BytesIO

    from matplotlib.figure import Figure
    from PIL import Image

    plain = BytesIO()
    _figure(3).savefig(plain, dpi=80, format="png")  # matplotlib's own: laid out and drawn twice
    draws = []
    real_draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: (draws.append(1), real_draw(self, renderer))[1])
    save_figure(_figure(3), tmp_path / "once.png", dpi=80, background=False)
    assert len(draws) == 1
    plain.seek(0)
    assert np.array_equal(np.asarray(Image.open(plain)), np.asarray(Image.open(tmp_path / "once.png")))


def test_a_prestarted_process_draws_the_next_blocks_figures(tmp_path, monkeypatch):
    import mip.io.figure_worker as fw

    monkeypatch.setattr(fw, "_cpus", lambda: 2)  # as on any machine with a second core
    monkeypatch.setenv("MIP_BACKGROUND_FIGURES", "1")
    save_figure(_figure(1), tmp_path / "here.png", dpi=80, background=False)
    fw.prestart(preload=("mip.report.figures", "no.such.module"))  # a module that cannot be imported is skipped
    assert len(fw._PRESTARTED) == 1
    pid = fw._PRESTARTED[0].proc.pid
    with rendering_in_background(True):
        assert fw._PRESTARTED == [] and fw._ACTIVE.get().proc.pid == pid  # taken, not a second process
        save_figure(_figure(1), tmp_path / "there.png", dpi=80)
    assert (tmp_path / "there.png").read_bytes() == (tmp_path / "here.png").read_bytes()


def test_a_modules_warm_up_runs_while_the_worker_waits_and_a_failing_one_changes_nothing(tmp_path, monkeypatch):
    import time

    (tmp_path / "warm_a.py").write_text("import os\ndef warm_up():\n    open(os.environ['WARM_LOG'], 'a').write('a\\n')\n")
    (tmp_path / "warm_b.py").write_text("def warm_up():\n    raise RuntimeError('cannot warm up')\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("WARM_LOG", str(tmp_path / "log"))
    save_figure(_figure(1), tmp_path / "here.png", dpi=80, background=False)
    with rendering_in_background(True, preload=("warm_b", "warm_a")):
        deadline = time.monotonic() + 30
        while not (tmp_path / "log").exists() and time.monotonic() < deadline:  # no figure sent yet: the worker waits
            time.sleep(0.05)
        save_figure(_figure(1), tmp_path / "there.png", dpi=80)
    assert (tmp_path / "log").read_text() == "a\n"  # called once, after the one that failed
    assert (tmp_path / "there.png").read_bytes() == (tmp_path / "here.png").read_bytes()


def test_a_prestarted_process_no_block_uses_is_stopped_at_exit():
    import subprocess
    import sys

    code = ("import mip.io.figure_worker as fw; fw._cpus = lambda: 2; fw.prestart(); w = fw._PRESTARTED[0]; "
            "print(w.proc.pid, flush=True)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, MIP_BACKGROUND_FIGURES="1"))
    assert run.returncode == 0, run.stderr
    pid = int(run.stdout.split()[0])
    with pytest.raises(ProcessLookupError):  # gone: killed and reaped, not left running
        os.kill(pid, 0)


def test_a_relative_path_means_the_callers_folder_at_the_time_of_saving(tmp_path, monkeypatch):
    started_in, later = tmp_path / "started", tmp_path / "later"
    started_in.mkdir()
    later.mkdir()
    import time

    from mip.io import figure_worker

    monkeypatch.chdir(started_in)
    with rendering_in_background(True):  # the worker starts here...
        monkeypatch.chdir(later)  # ...and the caller moves on before saving
        save_figure(_figure(0), "relative.png")
        worker, deadline = figure_worker._ACTIVE.get(), time.monotonic() + 60
        while not worker.done and time.monotonic() < deadline:  # drawn by the worker, not taken back at the end
            time.sleep(0.02)
        assert worker.done
    assert (later / "relative.png").exists() and not list(started_in.iterdir())


def test_constraint_drawings_need_neither_the_fitting_code_nor_scipy_stats(tmp_path):
    """What the figure process unpickles and draws for a constraint imports only the drawing code.

    Before, each drawing carried the whole Outcome: unpickling it imported the spec, every fitting method
    and scipy.stats: about 1 s of that process's CPU time in ``mip demo``.  The pixels are those drawn from the
    Outcome itself.
    """
    import pickle
    import subprocess
    import sys
    from functools import partial

    from PIL import Image, ImageChops

    from mip.constrain.plots import case_panels, drawing, pdf_figure, scatter_figure
    from mip.constrain.runner import run_spec
    from mip.constrain.spec import list_specs, load_spec

    outcome = run_spec(load_spec(list_specs()["southern-ocean-airborne"]))
    shown = drawing(outcome)
    case = next(iter(outcome.results[outcome.spec.method]))
    jobs = {"scatter": (scatter_figure,), "cases": (case_panels,), "pdf": (pdf_figure, case)}
    for name, (draw, *args) in jobs.items():
        save_figure(partial(draw, outcome, *args), tmp_path / f"{name}_outcome.png", background=False)
        (tmp_path / f"{name}.pkl").write_bytes(pickle.dumps(partial(draw, shown, *args)))
    code = ("import pickle, sys, pathlib, matplotlib\nmatplotlib.use('Agg')\nfrom mip.io import save_figure\n"
            f"d = pathlib.Path({str(tmp_path)!r})\n"
            f"for n in {list(jobs)!r}:\n"
            "    save_figure(pickle.loads((d / f'{n}.pkl').read_bytes()), d / f'{n}.png', background=False)\n"
            "print(sorted(m for m in ('scipy.stats', 'mip.constrain.linear', 'mip.constrain.runner', 'pydantic')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.strip()
    assert out == "[]"
    for name in jobs:
        a = Image.open(tmp_path / f"{name}.png").convert("RGB")
        b = Image.open(tmp_path / f"{name}_outcome.png").convert("RGB")
        assert a.size == b.size and ImageChops.difference(a, b).getbbox() is None, name

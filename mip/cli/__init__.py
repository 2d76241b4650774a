"""The ``mip`` command: one module per command in this package, each with ``add_parser(sub, parents)`` and ``run(args)``.

A new command is one new module here (found by :func:`build_parser`, in alphabetical order); the options
several commands share are declared once, as parent parsers (:class:`mip.cli._common.Parents`), and the
science each command prints comes from the library: a command parses, calls and reports.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from mip.errors import MemberWarning, MipError

__all__ = ["main", "console", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``mip`` command: every module of this package adds its command(s)."""
    import importlib
    import pkgutil

    from mip import __version__
    from mip.cli._common import Parents

    p = argparse.ArgumentParser(prog="mip", description="fluxmip: multi-inversion intercomparison toolkit",
                                epilog="exit status: 0 = done (for check: conforms), 1 = check found errors, "
                                       "2 = could not run (a wrong argument or unreadable input)")
    p.add_argument("--version", action="version", version=f"fluxmip {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    parents = Parents()
    for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not m.name.startswith("_"):
            importlib.import_module(f"{__name__}.{m.name}").add_parser(sub, parents)
    return p


def console() -> int:
    """The ``mip`` command as installed: :func:`main`, without the interpreter's last collection at exit.

    A report leaves a large heap: collecting it at exit took 0.5 s of ``mip demo``, for nothing, as
    every output is written and closed by then.  ``gc.freeze()`` takes the heap out of that collection;
    exit handlers still run.

    Returns
    -------
    int
        :func:`main`'s exit status.
    """
    import gc

    code = main()
    gc.freeze()
    return code


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``mip`` command.

    Parameters
    ----------
    argv
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 when the command could not run.
    """
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        from mip.errors import IncompleteWarning, RegionWarning

        ours = (MemberWarning, IncompleteWarning, RegionWarning)
        default_format = warnings.formatwarning

        def fmt(message, category, filename, lineno, line=None):  # ours as plain lines, without the source line
            if issubclass(category, ours):
                return f"mip: warning: {message}\n"
            return default_format(message, category, filename, lineno, line)

        warnings.formatwarning = fmt
        for c in ours:
            warnings.simplefilter("always", c)
        from mip.io.progress import showing

        try:
            with showing(sys.stderr.isatty() and not getattr(args, "quiet", False)):
                return int(args.func(args) or 0)
        except MipError as exc:
            print(f"mip: error: {exc}", file=sys.stderr)
            return 2
        except RuntimeError as exc:
            if not str(exc).startswith(("NetCDF:", "HDF")):
                raise
            print(f"mip: error: a data file could not be read while computing ({exc}); run 'mip check' on the "
                  "inputs to find the damaged one", file=sys.stderr)
            return 2
        except BrokenPipeError:  # the reader of our output went away (mip ... | head): not an error of ours
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
            return 0
        except OSError as exc:  # an output folder that cannot be made, a file that cannot be written
            where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
            print(f"mip: error: cannot read or write{where}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        finally:
            warnings.formatwarning = default_format


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

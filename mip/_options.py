"""fluxmip's options: one object, set in code (:func:`set_options`) or by the environment variables it always honoured.

An option set with :func:`set_options` wins; otherwise its environment variable is read when the option is used
(so a variable exported after ``import mip`` still counts); otherwise the default.  Like
``xarray.set_options``, :func:`set_options` works as a call or as a ``with`` block that restores the previous
values.  Nothing here changes another library's state.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from mip.errors import MipError

__all__ = ["set_options", "get_option", "OPTIONS"]


def _flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")


#: Option → (environment variable, parser of its text, default, what it does).
OPTIONS: dict[str, tuple[str, Callable[[str], Any], Any, str]] = {
    "cache_dir": ("MIP_CACHE_DIR", str, None, "folder of the verified region- and land-fraction cache (none: no cache)"),
    "data_root": ("MIP_DATA", str, None, "root of the data tree a catalog's {data_root} names"),
    "scheduler": ("MIP_SCHEDULER", str, None, "address of a dask.distributed scheduler (none: local threads)"),
    "trust_catalogs": ("MIP_TRUST_CATALOGS", _flag, False, "let catalogs use plugins and paths outside the data "
                       "root (docs/trust.md)"),
    "background_figures": ("MIP_BACKGROUND_FIGURES", _flag, True, "draw report figures in a second process when "
                           "more than one CPU is usable"),
    "gcp_ch4_mask": ("MIP_GCP_CH4_MASK", str, None, "the GCP-CH4 region mask file (not redistributable)"),
    "keep_heap": ("MIP_KEEP_HEAP", _flag, True, "on glibc, keep freed blocks in the heap while reading and "
                  "summing files instead of faulting them in again (mip.io.heap); set when first used"),
}
_SET: dict[str, Any] = {}


def get_option(name: str) -> Any:
    """The value of an option: set by :func:`set_options`, else from its environment variable, else its default.

    Parameters
    ----------
    name
        One of :data:`OPTIONS`.

    Returns
    -------
    The value.

    Raises
    ------
    MipError
        For an unknown option.
    """
    if name not in OPTIONS:
        raise MipError(f"unknown fluxmip option {name!r}; options: {', '.join(OPTIONS)}")
    if name in _SET:
        return _SET[name]
    env, parse, default, _ = OPTIONS[name]
    text = os.environ.get(env)
    return default if text in (None, "") else parse(text)


class set_options:  # noqa: N801  (used like a function, as xarray.set_options)
    """Set fluxmip options, for good or inside a ``with`` block.

    Parameters
    ----------
    **options
        ``cache_dir``, ``data_root``, ``scheduler``, ``trust_catalogs``, ``background_figures``,
        ``gcp_ch4_mask``, ``keep_heap`` (:data:`OPTIONS`); ``None`` returns an option to its environment variable.

    Examples
    --------
    >>> import mip
    >>> with mip.set_options(background_figures=False):
    ...     mip.get_option("background_figures")
    False
    """

    def __init__(self, **options: Any) -> None:
        unknown = sorted(set(options) - set(OPTIONS))
        if unknown:
            raise MipError(f"unknown fluxmip option(s) {', '.join(unknown)}; options: {', '.join(OPTIONS)}")
        for k, v in options.items():
            default = OPTIONS[k][2]
            if v is not None and isinstance(default, bool) and not isinstance(v, bool):
                raise MipError(f"option {k}: expected True or False, got {v!r}")
        self._old = {k: _SET.get(k, _UNSET) for k in options}
        for k, v in options.items():
            if v is None:
                _SET.pop(k, None)
            else:
                _SET[k] = v

    def __enter__(self) -> set_options:
        return self

    def __exit__(self, *exc: object) -> None:
        for k, v in self._old.items():
            if v is _UNSET:
                _SET.pop(k, None)
            else:
                _SET[k] = v


_UNSET = object()

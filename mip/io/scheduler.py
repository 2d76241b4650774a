"""Where dask work runs: an existing dask.distributed cluster, or the threaded scheduler."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["scheduler", "compute"]


@contextlib.contextmanager
def scheduler(address: str | None = None) -> Iterator[object | None]:
    """Connect to ``address`` (or ``$MIP_SCHEDULER``) for the duration of the block.

    Parameters
    ----------
    address
        A dask.distributed scheduler address (``tcp://host:8786``); ``None`` and no
        ``MIP_SCHEDULER`` means the local threaded scheduler.

    Yields
    ------
    distributed.Client or None
    """
    from mip._options import get_option

    address = address or get_option("scheduler")
    if not address:
        if "distributed" in sys.modules:  # a Client of the caller's may exist: dask's own choice
            yield None
            return
        import dask
        import dask.threaded

        # No Client can exist while distributed is not imported, yet dask imports it on the first compute
        # of a process only to find none (0.2-0.35 s), even for a scheduler named by a string: hand it the
        # threaded scheduler's function, which it would then use.
        with dask.config.set(scheduler=dask.threaded.get):
            yield None
        return
    client = _connect(str(address))
    try:
        yield client
    finally:
        client.close()


#: Address schemes a dask.distributed scheduler listens on that fluxmip connects to without extra set-up.
SCHEMES = ("tcp",)


def _connect(address: str) -> object:
    """A distributed Client for ``address``, or a one-line :class:`~mip.errors.MipError` saying why not."""
    import re

    from mip.errors import MipError

    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "tcp", address
    if scheme not in SCHEMES or not re.fullmatch(r"[A-Za-z0-9_.\-\[\]:]+:\d{1,5}", rest):
        extra = (" (TLS/UCX need a security or transport configuration: connect with a dask Client yourself)"
                 if scheme in ("tls", "ucx", "ws", "wss") else "")
        raise MipError(f"scheduler address {address!r}: expected tcp://HOST:PORT (e.g. tcp://127.0.0.1:8786){extra}")
    from distributed import Client

    try:
        return Client(address, set_as_default=True, timeout="20s")
    except Exception as exc:  # OSError, TimeoutError, CommClosedError, ...: the scheduler is not there
        raise MipError(f"cannot connect to the dask scheduler at {address} ({type(exc).__name__}: "
                       f"{' '.join(str(exc).split())[:200]})") from exc


def compute(obj: "xr.Dataset | xr.DataArray", client: object | None = None, *, progress: bool = True) -> "xr.Dataset | xr.DataArray":
    """Compute a lazy xarray object, with a progress bar on standard error.

    Parameters
    ----------
    obj
        Dataset or DataArray.
    client
        A distributed client (from :func:`scheduler`) or ``None``.
    progress
        Show a progress bar.

    Returns
    -------
    The computed object.
    """
    if client is not None:  # progress is on the cluster's dashboard
        return client.compute(obj).result()
    if progress:
        from dask.diagnostics import ProgressBar

        with ProgressBar(out=sys.stderr, minimum=1.0):
            return obj.compute()
    return obj.compute()

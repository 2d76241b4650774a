"""Where dask work runs: an existing dask.distributed cluster, or the threaded scheduler."""

from __future__ import annotations

import contextlib
import os
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
    address = address or os.environ.get("MIP_SCHEDULER")
    if not address:
        yield None
        return
    from distributed import Client

    client = Client(address, set_as_default=True)
    try:
        yield client
    finally:
        client.close()


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

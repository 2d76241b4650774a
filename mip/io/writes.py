"""Writing outputs: names that are safe as files, and atomic writes that never leave a partial file.

Kept apart from :mod:`mip.io.files` (which reads netCDF with xarray) so that the figure process
(:mod:`mip.io.figure_worker`) writes with the same rule without importing xarray.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from mip.errors import InputError

__all__ = ["atomic_write", "safe_name"]


def safe_name(name: object) -> str:
    """A file stem made only of letters, digits, ``.``, ``_`` and ``-``, at most 100 characters.

    Labels from catalogs, specs and files are not trusted as file names: no separators, no leading dot, no
    ``..``.  A label that had to change gets a short digest of itself appended, so two labels never share a
    file (``a/b`` and ``a_b`` would otherwise both become ``a_b``).

    Examples
    --------
    >>> safe_name("evaluation_IPSL-CM6A-LR")
    'evaluation_IPSL-CM6A-LR'
    >>> safe_name("map_net_e/../../x")
    'map_net_e_.._.._x-bd4f295f'
    """
    import hashlib
    import re

    text = str(name)
    s = re.sub(r"[^A-Za-z0-9._-]", "_", text).lstrip(".")
    if s == text and 0 < len(s) <= 100:
        return s
    return f"{s[:90] or '_'}-{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


@contextlib.contextmanager
def atomic_write(path: str | Path) -> Iterator[Path]:
    """Write to a fresh temporary file beside ``path`` and move it into place only on success.

    Usage: ``with atomic_write(p) as tmp: df.to_csv(tmp)``.  The temporary file is created
    exclusively with a unique name (:func:`tempfile.mkstemp`: a planted symlink is never followed, two
    runs into one folder never share it) and renamed over ``path`` (a symlink at ``path`` is replaced,
    not followed).  A writer that fails, or a full disk, leaves no file under ``path`` and no
    temporary file; the suffix is kept so writers that read the format from it (matplotlib) still work.

    Parameters
    ----------
    path
        The final file.

    Yields
    ------
    pathlib.Path
        The temporary path to write.

    Raises
    ------
    InputError
        If the file cannot be written (the folder, the disk, permissions), naming it.
    """
    import os
    import tempfile

    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}", dir=path.parent)
    except OSError as exc:
        raise InputError(path, None, f"a file that cannot be created ({exc.strerror or exc})",
                         "a writable output folder") from exc
    os.close(fd)
    tmp = Path(name)
    with contextlib.suppress(OSError):
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would make every output private
    try:
        yield tmp
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise InputError(path, None, f"a file that cannot be written ({exc.strerror or exc})",
                             "a writable output folder") from exc
    except OSError as exc:  # the writer's own failure: a full disk, a vanished folder
        raise InputError(path, None, f"a file that could not be written ({exc.strerror or exc}); nothing was "
                         "left under its name", "a writable output folder with free space") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()

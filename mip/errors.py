"""Exceptions and warnings raised by fluxmip.

Every error about input data names the file, the variable, what was found and what
was expected, so that a modelling team can act on it without reading a traceback.
"""

from __future__ import annotations

from os import PathLike

__all__ = ["MipError", "InputError", "MismatchError", "MemberWarning", "RegionWarning", "IncompleteWarning"]


class MipError(ValueError):
    """Base class of every error fluxmip raises on purpose: a value (a file, an option, a name) it cannot use.

    A :class:`ValueError`, so code that catches ``ValueError`` around fluxmip keeps working.
    """


class InputError(MipError):
    """A file does not hold what its product family promises.

    Parameters
    ----------
    file
        The file (or catalog entry) the problem was found in.
    variable
        The variable, coordinate or column concerned (``None`` for the whole file).
    found
        What was found.
    expected
        What was expected instead.
    hint
        Optional advice on how to fix it.
    """

    def __init__(
        self,
        file: str | PathLike | None,
        variable: str | None,
        found: str,
        expected: str,
        hint: str | None = None,
    ) -> None:
        self.file = None if file is None else str(file)
        self.variable = variable
        self.found = found
        self.expected = expected
        self.hint = hint
        where = self.file or "<input>"
        what = f"variable '{variable}'" if variable else "file"
        msg = f"{where}: {what}: found {found}; expected {expected}"
        if hint:
            msg += f" ({hint})"
        super().__init__(msg)


class MismatchError(MipError):
    """Inputs that cannot be combined as they are: different regions, periods, calendars or grids.

    The message names what differs, so the caller can select or convert before combining.
    """


class MemberWarning(UserWarning):
    """Some ensemble members were left out; the warning lists them by name and reason."""


class RegionWarning(UserWarning):
    """Regions of one set overlap, so a cell's flux is counted in more than one of them."""


class IncompleteWarning(UserWarning):
    """A period (a year, a window) lacks time steps; its mean is NaN rather than a partial mean."""

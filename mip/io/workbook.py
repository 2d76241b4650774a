"""Excel workbooks from other groups: their size checked before openpyxl expands them, every failure named.

An ``.xlsx`` file is a zip archive of XML; a 1 MB archive can hold gigabytes of shared strings (a "zip
bomb"), and a damaged sheet fails only when it is read, as an XML ``ParseError`` or a zlib error.  Here the
archive's declared sizes are checked first (:data:`XLSX_LIMITS`), and a sheet is read whole inside one
guard, so every failure is an :class:`~mip.errors.InputError` naming the file and the sheet.
"""

from __future__ import annotations

import warnings
import zipfile
import zlib
from pathlib import Path

from mip.errors import InputError

__all__ = ["read_sheets", "sheet_names", "XLSX_LIMITS"]

#: The published workbooks fluxmip reads are at most 5.2 MB uncompressed, compressed 3-6 times; the limits
#: leave a factor of 40 in size and of 20 in compression before a file is refused.
XLSX_LIMITS = {"bytes": 200 * 2**20, "ratio": 100.0, "members": 10_000}


def _check_archive(path: Path, what: str) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            info = z.infolist()
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise InputError(path, None, f"not an .xlsx archive ({type(exc).__name__}: {exc})", what) from exc
    total = sum(i.file_size for i in info)
    packed = sum(i.compress_size for i in info)
    if len(info) > XLSX_LIMITS["members"]:
        raise InputError(path, None, f"{len(info):,} parts in the archive", f"{what} of at most "
                         f"{XLSX_LIMITS['members']:,} parts")
    if total > XLSX_LIMITS["bytes"] or (total > 20 * 2**20 and total > XLSX_LIMITS["ratio"] * max(packed, 1)):
        raise InputError(path, None, f"an archive that expands to {total / 2**20:,.0f} MB from "
                         f"{packed / 2**20:,.1f} MB", f"{what} under {XLSX_LIMITS['bytes'] // 2**20} MB expanded, "
                         f"compressed at most {XLSX_LIMITS['ratio']:g} times")


def _open(path: Path, what: str, data_only: bool):
    import openpyxl

    if not path.exists():
        raise InputError(path, None, "no such file", what)
    _check_archive(path, what)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Unknown extension is not supported"
            return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise InputError(path, None, f"unreadable as an .xlsx workbook ({type(exc).__name__}: "
                         f"{' '.join(str(exc).split())})", what) from exc


def sheet_names(path: str | Path, what: str = "an Excel workbook") -> list[str]:
    """The sheets of a workbook, its archive checked first.

    Parameters
    ----------
    path
        The ``.xlsx`` file.
    what
        What it should be, for messages.

    Returns
    -------
    list of str
    """
    wb = _open(Path(path), what, data_only=False)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def read_sheets(path: str | Path, sheets: list[str] | tuple[str, ...], what: str = "an Excel workbook",
                *, match_case: bool = True) -> dict[str, list[tuple]]:
    """Every row of some sheets (cell values, formulas' cached results), read whole and checked.

    Parameters
    ----------
    path
        The ``.xlsx`` file.
    sheets
        Sheet names to read.
    what
        What the file should be, for messages.
    match_case
        If False, names are matched without case and surrounding blanks (the result keeps the names asked).

    Returns
    -------
    dict
        Sheet name (as asked) → list of row tuples.

    Raises
    ------
    InputError
        A missing or oversized file, a missing sheet, or a sheet that cannot be read (truncated or
        corrupted XML, a damaged zip member), naming the file and the sheet.
    """
    path = Path(path)
    wb = _open(path, what, data_only=True)
    try:
        index = {(s if match_case else s.strip().lower()): s for s in wb.sheetnames}
        out = {}
        for name in sheets:
            real = index.get(name if match_case else name.strip().lower())
            if real is None:
                raise InputError(path, name, f"no such sheet (sheets: {', '.join(wb.sheetnames)})", f"a sheet {name!r}")
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    out[name] = [tuple(r) for r in wb[real].iter_rows(values_only=True)]
            except (SyntaxError, zlib.error, zipfile.BadZipFile, EOFError, KeyError, ValueError, OSError) as exc:  # XML errors are SyntaxErrors
                raise InputError(path, real, f"a sheet that cannot be read ({type(exc).__name__}: "
                                 f"{' '.join(str(exc).split())})", f"{what} with whole sheets (is it truncated?)") from exc
        return out
    finally:
        wb.close()

"""Running the checks: each file through the rules, every finding collected, nothing raised."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path

from mip.checks.cf_conformance import rule_cf
from mip.checks.closure_rule import rule_closure
from mip.checks.protocol import Protocol, load_protocol
from mip.checks.findings import Report
from mip.checks.paths import expand_paths
from mip.checks.rules import STRUCTURE_RULES, Context, rule_data, rule_filename
from mip.errors import InputError, MipError
from mip.io.probe import PROBE_TIMEOUT, MetadataProbe

__all__ = ["check"]


def _check_one(path: Path, protocol: Protocol, *, cf: bool, probe: MetadataProbe | None = None) -> Context:
    from mip.io import open_netcdf

    ctx = Context(path, protocol)
    rule_filename(ctx)
    failure = probe.failure() if probe is not None else None
    if failure is not None:  # opening it here would hang or crash this process
        ctx.add("file.readable", "error", None, failure, "a readable netCDF file",
                "upload or export the file again (it is damaged; h5dump -H on it shows where)")
        return ctx
    try:
        ctx.ds = open_netcdf(path, decode_times=True, chunks=None)  # lazy, read block by block
    except InputError as exc:
        ctx.add("file.readable", "error", None, exc.found, exc.expected, "re-export the file as netCDF-4 or classic")
        return ctx
    except Exception as exc:  # decoding failures (e.g. bad time units) and anything else
        try:
            ctx.ds = open_netcdf(path, decode_times=False, chunks=None)
            ctx.add("time.decode", "error", protocol.time.variable, f"undecodable times ({exc})",
                    "CF time units such as 'days since 2000-01-01'", "fix the time units")
        except Exception as exc2:
            ctx.add("file.readable", "error", None, f"unreadable ({exc2})", "a readable netCDF file")
            return ctx
    phony = [d for d in ctx.ds.dims if str(d).startswith("phony_dim")]
    if (not ctx.ds.dims and not ctx.ds.variables) or phony:
        ctx.add("file.format", "error", None, "an HDF5 file without netCDF dimensions"
                + (f" ({', '.join(map(str, phony))})" if phony else ""),
                "a netCDF file (netCDF-4 or classic)", "write the file with a netCDF library, not plain HDF5")
        return ctx
    for rule in (*STRUCTURE_RULES, rule_data, rule_closure) + ((rule_cf,) if cf else ()):
        try:
            rule(ctx)
        except Exception as exc:  # a rule that cannot evaluate a broken file reports it and the check goes on
            ctx.add(f"internal.{rule.__name__}", "error", None, f"could not be evaluated ({type(exc).__name__}: {exc})",
                    "a file this rule can read")
    ctx.ds.close()
    return ctx


def check(paths: str | PathLike | Iterable[str | PathLike], protocol: str | Protocol, *, cf: bool = True,
          progress: bool = False, probe_timeout: float | None = PROBE_TIMEOUT,
          probes: Mapping[Path, MetadataProbe] | None = None) -> Report:
    """Check files against a protocol and collect every finding.

    Parameters
    ----------
    paths
        Files or directories.
    protocol
        Protocol name (``catalogs/protocols/<name>.yaml``), path, or object.
    cf
        Also run the CF conformance suite.
    progress
        Show a progress bar on standard error.
    probe_timeout
        Seconds a child process may take to read each file's metadata before the file is opened here
        (:class:`~mip.io.probe.MetadataProbe`: a damaged file can hang or crash the HDF5 library); a
        file whose child does not finish, or crashes, is reported unreadable.  None: no child.
    probes
        Children already started for some of the files, by path (``mip check`` starts the first file's
        before it imports this module); the others are started here, each while the file before it is checked.

    Returns
    -------
    Report

    Raises
    ------
    MipError
        Unknown protocol, or no files to check (nothing else: a broken file is a finding).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from mip.testing import write_oco2mip
    >>> f = write_oco2mip(Path(tempfile.mkdtemp()) / "CAMS_gridded_fluxes_IS.nc4", ocean=-2e-3, months=72)
    >>> report = check(f, "oco2mip-v10", cf=False)
    >>> report.exit_code, sorted({x.rule for x in report.findings})  # land all zero; ocean too weak
    (1, ['data.all_zero', 'data.growth_closure', 'data.total_range'])
    """
    proto = protocol if isinstance(protocol, Protocol) else load_protocol(protocol)
    files = expand_paths([paths] if isinstance(paths, (str, PathLike)) else paths)
    if not files:
        raise MipError("no files to check")
    from mip.checks.across_files import compare_files, labels_of
    from mip.conventions.units import add_unit_spelling

    for spelling, known in proto.unit_spellings.items():
        try:
            add_unit_spelling(spelling, known)
        except InputError as exc:
            raise MipError(f"protocol {proto.name}: unit_spellings: {exc.found}; expected {exc.expected}") from exc
    report = Report(protocol=proto.name, files=[str(f) for f in files])
    it = files
    if progress:
        from tqdm import tqdm

        it = tqdm(files, desc=f"checking against {proto.name}", unit="file")

    def probe(i: int) -> MetadataProbe | None:
        if probe_timeout is None or i >= len(files):
            return None
        return (probes or {}).get(files[i]) or MetadataProbe(files[i], probe_timeout)

    nxt = probe(0)
    try:
        for i, f in enumerate(it):
            current, nxt = nxt, probe(i + 1)  # the next file's metadata is read while this one is checked
            ctx = _check_one(f, proto, cf=cf, probe=current)
            report.findings += ctx.findings
            model, experiment = labels_of(f, proto)
            report.totals += [{"file": str(f), "model": model, "experiment": experiment, **row} for row in ctx.annual]
    finally:
        if nxt is not None:
            nxt.cancel()
    compare_files(report, proto)
    return report

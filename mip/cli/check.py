"""``mip check``: submission files against a MIP protocol; exit 0 conforms, 1 errors, 2 could not run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mip.cli._common import Parents, write_text
from mip.errors import MipError
from mip.io.probe import PROBE_TIMEOUT


def add_parser(sub, parents: Parents) -> None:
    """Declare ``mip check``."""
    ch = sub.add_parser("check", help="check submission files against a MIP protocol")
    ch.add_argument("files", nargs="+", help="files or directories of submissions")
    ch.add_argument("--protocol", required=True, help="protocol name (catalogs/protocols) or YAML path")
    ch.add_argument("--format", choices=["text", "json", "html"], default="text")
    ch.add_argument("--output", help="write the report here instead of standard output")
    ch.add_argument("--no-cf", action="store_true", help="skip the CF conformance suite")
    ch.add_argument("--probe-timeout", type=float, default=PROBE_TIMEOUT, metavar="SECONDS",
                    help="seconds a child process may take to read a file's metadata before the file is opened "
                         f"(a damaged file can hang the HDF5 library; default {PROBE_TIMEOUT:g}, 0: no child)")
    ch.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check submission files against a protocol; exit 0 conforms, 1 errors, 2 could not run."""
    from mip.checks.paths import expand_paths
    from mip.io.probe import MetadataProbe

    absent = [f for f in args.files if not Path(f).exists()]
    if absent:  # a typo in a path cannot be checked; a broken file that exists is a finding
        raise MipError(f"no such file or directory: {', '.join(absent)}")
    files = expand_paths(args.files)
    if not files:
        raise MipError(f"no files to check in {', '.join(args.files)}")
    if args.probe_timeout < 0:
        raise MipError(f"--probe-timeout {args.probe_timeout:g}: expected a number of seconds (0: no child)")
    # the first file's child reads its metadata while this process imports what the check uses
    first = {files[0]: MetadataProbe(files[0], args.probe_timeout)} if args.probe_timeout else {}
    try:
        from mip.checks import check

        report = check(files, args.protocol, cf=not args.no_cf, progress=len(files) > 1 and sys.stderr.isatty(),
                       probe_timeout=args.probe_timeout or None, probes=first)
    finally:
        for p in first.values():
            p.cancel()
    text = {"text": report.to_text, "json": report.to_json, "html": report.to_html}[args.format]()
    if args.output:
        write_text(Path(args.output), text)
        print(f"{report.n_errors} error(s), {report.n_warnings} warning(s) in {len(files)} file(s); "
              f"report written to {args.output}")
    else:
        sys.stdout.write(text)
    return report.exit_code

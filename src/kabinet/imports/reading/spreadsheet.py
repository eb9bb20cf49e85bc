"""XLSX, XLS and ODS through python-calamine, run in a resource-limited child process.

See `_calamine_child` for why. The child costs ~30 ms to start; the sheets come back as JSON
(never pickle or marshal: the child has read hostile data). Whatever happens to it becomes a
`FileReadError`: a crash, a memory or CPU limit or the time-out is "too large to read", an
error of the reader "damaged".
"""

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kabinet.imports.reading import errors

if TYPE_CHECKING:
    from kabinet.imports.reading.workbook import ReadLimits

logger = logging.getLogger(__name__)

_CHILD = Path(__file__).with_name("_calamine_child.py")
# The child sees no environment: no settings, no database URL, no secrets.
_CHILD_ENV = {"LANG": "C.UTF-8", "PATH": os.defpath}
_GRACE_SECONDS = 5


def child_command(limits: "ReadLimits") -> list[str]:
    """The command line of the reader process (the file goes to its stdin)."""
    return [
        sys.executable,
        "-I",
        str(_CHILD),
        str(limits.max_rows),
        str(limits.max_cells),
        str(limits.parser_memory_bytes),
        str(limits.parser_seconds),
    ]


def iter_sheet_rows(content: bytes, limits: "ReadLimits", sheet_name: str) -> Iterator[list]:
    """The rows of one sheet as the child reads them, one at a time (cells as in
    `read_workbook`): a large sheet is never held whole. Raises a `FileReadError` when the
    child refuses the file or stops, `KeyError` when there is no such sheet."""
    with tempfile.TemporaryFile() as stderr:
        child = subprocess.Popen(
            [*child_command(limits), sheet_name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=_CHILD_ENV,
        )
        timer = threading.Timer(limits.parser_seconds + _GRACE_SECONDS, child.kill)
        timer.start()
        closing = None
        try:
            child.stdin.write(content)  # the child reads it all before it writes anything
            child.stdin.close()
            for line in child.stdout:
                if line.startswith(b"["):
                    yield json.loads(line)
                else:
                    closing = json.loads(line)
                    break
        except (ValueError, BrokenPipeError) as error:
            raise errors.CorruptFileError() from error
        finally:
            timer.cancel()
            if child.poll() is None:
                child.kill()
            child.wait()
            child.stdout.close()
        if closing is None or child.returncode != 0:
            stderr.seek(0)
            _raise_stopped(child.returncode, stderr.read())
    if closing.get("error") == "no_sheet":
        raise KeyError(sheet_name)
    _sheets_or_raise({"sheets": [], **closing}, limits)


def _raise_stopped(returncode: int, stderr: bytes):
    logger.warning(
        "The spreadsheet reader stopped with code %s: %s",
        returncode,
        stderr[-2000:].decode(errors="replace"),
    )
    if returncode is None or returncode < 0 or b"MemoryError" in stderr:
        raise errors.SheetTooLargeError()
    raise errors.CorruptFileError()


def read_workbook(content: bytes, limits: "ReadLimits") -> list[dict]:
    """[{"name", "hidden", "rows"}] for each worksheet, cells converted (see `values.Cell`)."""
    try:
        done = subprocess.run(
            child_command(limits),
            input=content,
            capture_output=True,
            env=_CHILD_ENV,
            timeout=limits.parser_seconds + _GRACE_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise errors.SheetTooLargeError() from error
    if done.returncode != 0:
        logger.warning(
            "The spreadsheet reader stopped with code %s: %s",
            done.returncode,
            done.stderr[-2000:].decode(errors="replace"),
        )
        if done.returncode < 0 or b"MemoryError" in done.stderr:
            raise errors.SheetTooLargeError()
        raise errors.CorruptFileError()
    try:
        result = json.loads(done.stdout)
    except ValueError as error:
        raise errors.CorruptFileError() from error
    logger.debug("The spreadsheet reader peaked at %s KB", result.get("peak_rss_kb"))
    return _sheets_or_raise(result, limits)


def _sheets_or_raise(result: dict, limits: "ReadLimits") -> list[dict]:
    error = result.get("error")
    if error == "password":
        raise errors.PasswordProtectedError()
    if error == "too_many_rows":
        raise errors.TooManyRowsError(sheet=result["sheet"], limit=limits.max_rows)
    if error == "too_large":
        raise errors.SheetTooLargeError()
    if error:
        raise errors.CorruptFileError()
    return result["sheets"]

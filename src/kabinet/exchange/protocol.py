"""Pure pieces of the 1C "Обмен с сайтом" HTTP protocol: answers and file names.

1C reads the first line of a plain-text body (`success`, `progress`, `failure`) and ignores the
HTTP status, so every answer is HTTP 200 with an ASCII keyword first and human text after.
"""

import re
from pathlib import PurePosixPath

from django.http import HttpResponse

SUCCESS, PROGRESS, FAILURE = "success", "progress", "failure"

# Prefixes 1C on Linux and old Bitrix setups put in front of the file name.
_JUNK_PREFIXES = ("tmp/", "upload/1c/webdata/", "upload/1c_catalog/")
_SAFE_PART = re.compile(r"^[\w\-. #()\[\]@+]+$", re.UNICODE)


class UnsafeFileName(ValueError):
    pass


def answer(keyword: str, *lines: str) -> HttpResponse:
    body = "\n".join([keyword, *[line for line in lines if line is not None]])
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def failure(reason: str) -> HttpResponse:
    # One line of reason: 1C shows it in its exchange log.
    return answer(FAILURE, " ".join(str(reason).split()))


def safe_relative_path(name: str) -> str:
    """`import_files/9d/x.jpg` stays; `../x`, `/etc/x`, `C:\\x` and odd characters are refused."""
    cleaned = (name or "").replace("\\", "/").strip()
    cleaned = re.sub(r"^[A-Za-z]:", "", cleaned).lstrip("/")
    for prefix in _JUNK_PREFIXES:
        if cleaned.lower().startswith(prefix):
            cleaned = cleaned[len(prefix) :]
    parts = [part for part in PurePosixPath(cleaned).parts if part not in ("", ".")]
    if not parts or len(cleaned) > 400:
        raise UnsafeFileName(name)
    for part in parts:
        if part == ".." or part.startswith(".") or not _SAFE_PART.match(part):
            raise UnsafeFileName(name)
    return "/".join(parts)

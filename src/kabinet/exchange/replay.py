"""A client that behaves like 1C's "Обмен с сайтом", for testing a connection end to end.

checkauth → init → upload (zipped or file by file, in chunks of the site's file_limit) →
import each XML until success → complete → sale: checkauth → init → query → success.
"""

import base64
import io
import time
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

from kabinet.exchange.commerceml.model import FileKind
from kabinet.exchange.packages import package_order

IMPORT_ORDER = [FileKind.CATALOG, FileKind.OFFERS, FileKind.PRICES, FileKind.RESTS]


class ReplayError(Exception):
    pass


@dataclass
class ReplayResult:
    files: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    orders_xml: bytes = b""


class Exchange1C:
    def __init__(
        self,
        url: str,
        user: str,
        password: str,
        *,
        version: str = "2.08",
        log: Callable[[str], None] = print,
        poll_seconds: float = 0.2,
        max_polls: int = 3000,
    ):
        self.url, self.version, self.log = url, version, log
        self.poll_seconds, self.max_polls = poll_seconds, max_polls
        self.auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.session_key = ""
        self.result = ReplayResult()

    def _call(self, kind: str, mode: str, *, body: bytes | None = None, **params) -> bytes:
        query = {"type": kind, "mode": mode, **params}
        url = f"{self.url}?{urllib.parse.urlencode(query)}"
        if self.session_key:
            url += f"&{self.session_key}"  # 1C appends checkauth's 4th line verbatim
        request = urllib.request.Request(
            url, data=body, method="POST" if body is not None else "GET"
        )
        request.add_header("Authorization", self.auth)
        with self.opener.open(request, timeout=120) as response:
            data = response.read()
        answer = data.decode("utf-8", errors="replace").lstrip("\ufeff")
        self.result.answers.append(f"{mode}: {answer.splitlines()[0] if answer else ''}")
        return data

    def _text(self, kind, mode, **params) -> list[str]:
        lines = self._call(kind, mode, **params).decode("utf-8").lstrip("\ufeff").split("\n")
        if lines[0] == "failure":
            raise ReplayError(f"{kind}/{mode}: {' '.join(lines[1:])}")
        return lines

    def start(self, kind: str) -> tuple[bool, int]:
        lines = self._text(kind, "checkauth")
        self.session_key = lines[3] if len(lines) > 3 else ""
        init = dict(
            line.split("=", 1)
            for line in self._text(kind, "init", version=self.version)
            if "=" in line
        )
        return init.get("zip") == "yes", int(init.get("file_limit", 1024 * 1024))

    def upload(self, kind: str, name: str, data: bytes, limit: int) -> None:
        for start in range(0, max(len(data), 1), limit):
            self._text(kind, "file", body=data[start : start + limit], filename=name)

    def import_file(self, kind: str, name: str) -> str:
        for _ in range(self.max_polls):
            lines = self._text(kind, "import", filename=name)
            if lines[0] == "success":
                return "\n".join(lines)
            if lines[0] != "progress":
                raise ReplayError(f"import {name}: unknown answer {lines[0]!r}")
            time.sleep(self.poll_seconds)
        raise ReplayError(f"import {name}: still in progress")

    def catalog(self, folder: Path) -> None:
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        xml = [p for p in files if p.suffix.lower() == ".xml"]
        # 1C's order: catalog (3.1: classifier, properties/, goods/), offers, prices, rests.
        ordered = [p for p, kind in package_order(folder, xml) if kind in IMPORT_ORDER]
        use_zip, limit = self.start("catalog")
        names = {p: p.relative_to(folder).as_posix() for p in files}
        if use_zip:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
                for path in files:
                    bundle.write(path, names[path])
            self.upload("catalog", "v8_replay.zip", buffer.getvalue(), limit)
        else:
            for path in files:
                self.upload("catalog", names[path], path.read_bytes(), limit)
        for path in ordered:
            self.log(f"import {names[path]}: {self.import_file('catalog', names[path])}")
            self.result.files.append(names[path])
        self._text("catalog", "complete")

    def sale(self, documents: list[Path] = ()) -> bytes:
        _zip, limit = self.start("sale")
        orders = self._call("sale", "query")
        self.result.orders_xml = orders
        self._text("sale", "success")
        for path in documents:
            self.upload("sale", path.name, path.read_bytes(), limit)
            self.log(f"orders {path.name}: {self.import_file('sale', path.name)}")
        return orders

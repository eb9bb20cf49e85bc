"""The one exception the CommerceML parsers raise."""

from __future__ import annotations


class CommerceMLError(Exception):
    """A file that cannot be read as CommerceML: malformed XML, a forbidden DOCTYPE, bad data.

    `file`, `line` and `xml_path` (local element names from the root, e.g.
    ``КоммерческаяИнформация/Каталог/Товары/Товар/Цены``) say where, when known; `str()` puts
    them all on one line for logs and for the `failure` answer to 1C.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        xml_path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.xml_path = xml_path

    def __str__(self) -> str:
        where = self.file or "<xml>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        text = f"{where}: {self.message}"
        if self.xml_path:
            text = f"{text} (at {self.xml_path})"
        return text

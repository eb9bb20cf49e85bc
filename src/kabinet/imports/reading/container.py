"""What a file really is, and whether its container is safe to hand to python-calamine (D5).

The first bytes decide the format, not the name. A zipped workbook (XLSX, ODS) is checked from
its central directory before anything parses it, then every entry is inflated here with the
sizes counted as they come out, so that lying size fields cannot hide a bomb: too many entries,
too much data in total, or an entry that inflates more than any spreadsheet does is refused.
The XML parts may not declare a DOCTYPE or entities: spreadsheet programs never write them,
billion-laughs and external-entity attacks need them.
"""

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import olefile

from kabinet.imports.reading import errors

if TYPE_CHECKING:
    from kabinet.imports.reading.workbook import ReadLimits

XLSX, XLS, ODS, TEXT = "xlsx", "xls", "ods", "text"
SPREADSHEET_KINDS = frozenset({XLSX, XLS, ODS})

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ODS_MANIFEST = "META-INF/manifest.xml"
_OTHER_MAGIC = (
    (b"%PDF-", errors.ACTUAL_PDF),
    (b"\x89PNG\r\n\x1a\n", errors.ACTUAL_IMAGE),
    (b"\xff\xd8\xff", errors.ACTUAL_IMAGE),
    (b"GIF87a", errors.ACTUAL_IMAGE),
    (b"GIF89a", errors.ACTUAL_IMAGE),
    (b"RIFF", errors.ACTUAL_IMAGE),
    (b"Rar!", errors.ACTUAL_ZIP),
    (b"7z\xbc\xaf\x27\x1c", errors.ACTUAL_ZIP),
    (b"\x1f\x8b", errors.ACTUAL_ZIP),
)
_MARKUP_STARTS = (b"<!doctype html", b"<html", b"<table", b"<?xml", b"<head", b"<body")
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1a")

_INFLATE_CHUNK = 1 << 20
# Below this an entry may inflate at any ratio: a small part cannot hurt, and tiny XML parts
# of real workbooks compress far better than their big sheets.
_RATIO_FLOOR_BYTES = 1 << 20
_FORBIDDEN_XML = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_XML_SUFFIXES = (".xml", ".rels")


@dataclass(frozen=True, slots=True)
class Sniffed:
    """The format found in the bytes: a kind we read, or a description of what it is instead."""

    kind: str | None
    actual: object  # a lazy translatable description, for ContentMismatchError


def sniff(data: bytes) -> Sniffed:
    """Classify by magic bytes: XLSX/ODS (zip), XLS (OLE2), text, or something else."""
    head = data[:16]
    if head.startswith(_ZIP_MAGIC):
        return _sniff_zip(data)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(data)
    for magic, actual in _OTHER_MAGIC:
        if head.startswith(magic):
            return Sniffed(None, actual)
    sample = data[:8192]
    markup = sample.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if markup.startswith(_MARKUP_STARTS):
        return Sniffed(None, errors.ACTUAL_HTML)
    if _looks_binary(sample):
        return Sniffed(None, errors.ACTUAL_BINARY)
    return Sniffed(TEXT, errors.ACTUAL_TEXT)


def _looks_binary(sample: bytes) -> bool:
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text, as Excel saves "Unicode"
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls > len(sample) // 100


def _sniff_zip(data: bytes) -> Sniffed:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return Sniffed(XLSX, errors.ACTUAL_XLSX)
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
                if archive.read("mimetype").strip() == _ODS_MIMETYPE:
                    return Sniffed(ODS, errors.ACTUAL_ODS)
                return Sniffed(None, errors.ACTUAL_OFFICE)
            if "[Content_Types].xml" in names:
                return Sniffed(None, errors.ACTUAL_OFFICE)
    except Exception as error:  # BadZipFile, NotImplementedError, struct.error, ValueError…
        raise errors.CorruptFileError() from error
    return Sniffed(None, errors.ACTUAL_ZIP)


def _sniff_ole(data: bytes) -> Sniffed:
    """An OLE2 compound file: an XLS, or an encrypted XLSX (an EncryptedPackage stream)."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(path) for path in ole.listdir(streams=True, storages=False)}
    except Exception as error:  # olefile raises many kinds on a damaged file
        raise errors.CorruptFileError() from error
    if "EncryptedPackage" in streams:
        raise errors.PasswordProtectedError()
    if streams & {"Workbook", "Book"}:
        return Sniffed(XLS, errors.ACTUAL_XLS)
    return Sniffed(None, errors.ACTUAL_OFFICE)


def check_zip(data: bytes, limits: "ReadLimits") -> None:
    """Refuse a zipped workbook that is a bomb, encrypted, or declares XML entities.

    Counts what each entry really inflates to, whatever its headers claim.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except Exception as error:  # BadZipFile, NotImplementedError, struct.error, ValueError…
        raise errors.CorruptFileError() from error
    if len(entries) > limits.max_zip_entries:
        raise errors.ZipBombError()
    if sum(entry.file_size for entry in entries) > limits.max_unzipped_bytes:
        raise errors.ZipBombError()
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise errors.PasswordProtectedError()
    # An encrypted ODS keeps its zip but lists encryption-data for its parts in the manifest.
    entries.sort(key=lambda entry: entry.filename != _ODS_MANIFEST)
    budget = limits.max_unzipped_bytes
    for entry in entries:
        is_manifest = entry.filename == _ODS_MANIFEST
        content = _inflate(data, entry, limits, budget, keep=is_manifest)
        budget -= entry.file_size
        if is_manifest and b"encryption-data" in content:
            raise errors.PasswordProtectedError()


def _inflate(
    data: bytes, entry: zipfile.ZipInfo, limits: "ReadLimits", budget: int, *, keep: bool
) -> bytes:
    """Inflate one entry, checking its real size and ratio as it grows and scanning XML parts."""
    raw = _raw_entry(data, entry)
    if entry.compress_type == zipfile.ZIP_STORED:
        chunks = iter((raw,))
    elif entry.compress_type == zipfile.ZIP_DEFLATED:
        chunks = _deflate_chunks(raw)
    else:
        raise errors.CorruptFileError()
    scan = entry.filename.lower().endswith(_XML_SUFFIXES)
    kept, size, tail = [], 0, b""
    max_size = max(_RATIO_FLOOR_BYTES, limits.max_compression_ratio * entry.compress_size)
    for chunk in chunks:
        size += len(chunk)
        if size > budget or size > max_size:
            raise errors.ZipBombError()
        if scan:
            window = tail + chunk
            if any(marker in window for marker in _FORBIDDEN_XML):
                raise errors.XmlEntityError()
            tail = window[-20:]
        if keep:
            kept.append(chunk)
    if size != entry.file_size:
        raise errors.CorruptFileError()
    return b"".join(kept)


def _raw_entry(data: bytes, entry: zipfile.ZipInfo) -> bytes:
    header = data[entry.header_offset : entry.header_offset + 30]
    if len(header) < 30 or not header.startswith(b"PK\x03\x04"):
        raise errors.CorruptFileError()
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = entry.header_offset + 30 + name_length + extra_length
    raw = data[start : start + entry.compress_size]
    if len(raw) != entry.compress_size:
        raise errors.CorruptFileError()
    return raw


def _deflate_chunks(raw: bytes):
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    pending = raw
    try:
        while True:
            chunk = inflater.decompress(pending, _INFLATE_CHUNK)
            if chunk:
                yield chunk
            pending = inflater.unconsumed_tail
            if inflater.eof or (not pending and len(chunk) < _INFLATE_CHUNK):
                break
    except zlib.error as error:
        raise errors.CorruptFileError() from error
    if not inflater.eof:
        raise errors.CorruptFileError()

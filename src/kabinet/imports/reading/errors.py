"""Why a file could not be read: one exception class per cause, all `FileReadError`.

Each carries a translatable message template and its parameters, formatted when shown
(`str(error)` or `error.message`) so that the user's language at display time is used, not the
one active when the file was read (a task may read it).
"""

from django.utils.translation import gettext_lazy as _


class FileReadError(Exception):
    """The file cannot be turned into rows; `message` says why, in words for the user."""

    code = "unreadable"
    template = _("The file cannot be read.")

    def __init__(self, template=None, **params):
        self.template = template or type(self).template
        self.params = params
        super().__init__(self.template, params)

    def __reduce__(self):
        return _restore, (type(self), self.template, self.params)

    @property
    def message(self) -> str:
        return str(self.template) % self.params if self.params else str(self.template)

    def __str__(self) -> str:
        return self.message


class UnsupportedFormatError(FileReadError):
    code = "unsupported_format"
    template = _(
        "Files of this type (%(extension)s) cannot be read. Upload an XLSX, XLS, ODS or CSV file."
    )


class FileTooLargeError(FileReadError):
    code = "too_large"
    template = _("The file is too large (%(size_mb)s MB): the limit is %(limit_mb)s MB.")


class TooManyRowsError(FileReadError):
    code = "too_many_rows"
    template = _(
        "There are more than %(limit)s rows in “%(sheet)s”. Split the file into smaller ones."
    )


class ContentMismatchError(FileReadError):
    """The extension promises one format, the first bytes show another."""

    code = "content_mismatch"
    template = _(
        "The file “%(filename)s” is named as %(extension)s, but its content is %(actual)s. "
        "Save it again in the format its name says."
    )


class BinaryTextFileError(ContentMismatchError):
    """A .csv/.txt that is not text at all (no format we recognise either)."""

    code = "binary_text_file"
    template = _(
        "The file “%(filename)s” is named as %(extension)s, but it is not a text file. "
        "Save it again as CSV."
    )


class EmptyFileError(FileReadError):
    code = "empty"
    template = _("The file has no data: it is empty or its sheets have no filled cells.")


class PasswordProtectedError(FileReadError):
    code = "password_protected"
    template = _(
        "The file is password-protected. Save a copy without the password and upload that copy."
    )


class ZipBombError(FileReadError):
    """A zipped workbook that would unpack to far more than a real order file (D5)."""

    code = "zip_bomb"
    template = _(
        "The file was refused for safety: its packed content unpacks to an unusually large "
        "amount of data. If it is a real spreadsheet, split it into smaller files."
    )


class XmlEntityError(FileReadError):
    """DOCTYPE/ENTITY declarations: spreadsheet programs never write them, attacks do."""

    code = "xml_entities"
    template = _(
        "The file was refused for safety: it contains XML declarations that spreadsheet "
        "programs never write. Open it in your spreadsheet program and save it again."
    )


class SheetTooLargeError(FileReadError):
    """A sheet too big to hold in memory: it reaches too far (a stray cell in column XFD or
    row 1,048,576), has too many cells, or reading it ran out of memory or time."""

    code = "sheet_too_large"
    template = _(
        "The file was refused: a sheet in it is too large to read. Delete the unused rows and "
        "columns at its far end or split the file into smaller ones."
    )


class CorruptFileError(FileReadError):
    code = "corrupt"
    template = _(
        "The file is damaged and cannot be read. Open it in your spreadsheet program, "
        "save it again and upload the new copy."
    )


def _restore(cls, template, params):
    return cls(template, **params)


# What a file's first bytes turned out to be, for ContentMismatchError's %(actual)s.
ACTUAL_XLSX = _("an Excel workbook (XLSX)")
ACTUAL_XLS = _("an Excel 97–2003 workbook (XLS)")
ACTUAL_ODS = _("an OpenDocument spreadsheet (ODS)")
ACTUAL_OFFICE = _("another kind of office document")
ACTUAL_ZIP = _("a ZIP archive")
ACTUAL_PDF = _("a PDF document")
ACTUAL_IMAGE = _("an image")
ACTUAL_HTML = _("a web page (HTML)")
ACTUAL_TEXT = _("plain text (CSV)")
ACTUAL_BINARY = _("binary data of an unknown kind")

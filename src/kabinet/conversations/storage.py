"""Where uploaded attachments live: a folder outside MEDIA_ROOT and outside any URL.

Files are served only by the access-checked views of this app; the storage has no base URL,
so `.url` cannot even be asked for. The folder is `settings.KABINET_PRIVATE_DIR`, read at each
use (tests point it elsewhere).
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    @property
    def base_location(self):
        return Path(settings.KABINET_PRIVATE_DIR)

    @property
    def location(self):
        return str(Path(settings.KABINET_PRIVATE_DIR).resolve())

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("private files have no URL: serve them through an access-checked view")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _storage

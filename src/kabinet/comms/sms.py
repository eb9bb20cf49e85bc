"""SMS through a pluggable sender (E5).

`settings.KABINET_SMS_BACKEND` names a class (dotted path) with a `send(*, phone, text)`
method. Kabinet ships two: the file backend (default) appends each message to
`var/sms.log`, for development and until a gateway is connected; the memory backend keeps
messages in `MemorySmsSender.outbox`, for tests. A gateway (SMS.ru, SMSC, an operator's HTTP
API…) is one small class in the project that installs Kabinet.
"""

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "kabinet.comms.sms.FileSmsSender"


class SmsSender(Protocol):
    def send(self, *, phone: str, text: str) -> None:
        """Send one message; raise on failure (the caller logs it and goes on)."""


@dataclass(frozen=True, slots=True)
class Sms:
    phone: str
    text: str


class FileSmsSender:
    """Appends messages to a log file (`KABINET_SMS_FILE`, default `var/sms.log`)."""

    _lock = threading.Lock()

    def __init__(self, path: str | Path | None = None):
        self.path = Path(
            path or getattr(settings, "KABINET_SMS_FILE", None) or settings.VAR_DIR / "sms.log"
        )

    def send(self, *, phone: str, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = f"{timezone.now().isoformat()}\t{phone}\t{' '.join(text.split())}\n"
        with self._lock, self.path.open("a", encoding="utf-8") as log:
            log.write(line)


class MemorySmsSender:
    """Keeps messages in `MemorySmsSender.outbox` (tests empty it, like `mail.outbox`)."""

    outbox: list[Sms] = []

    def send(self, *, phone: str, text: str) -> None:
        MemorySmsSender.outbox.append(Sms(phone=phone, text=text))


def get_sms_sender() -> SmsSender:
    return import_string(getattr(settings, "KABINET_SMS_BACKEND", None) or DEFAULT_BACKEND)()

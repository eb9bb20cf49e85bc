"""Read the next batches of a file while the database writes the current one.

Parsing is Python work; writing a batch is mostly waiting for PostgreSQL, during which Python
releases the GIL. A reader thread that stays a couple of batches ahead lets the two overlap, so
a full package costs about max(parse, database) instead of their sum (P4). Memory stays
bounded: at most `depth` batches wait in the queue.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()
POLL_SECONDS = 0.1


def batches_ahead(items: Iterator[T], size: int, *, depth: int = 2) -> Iterator[list[T]]:
    """Yield lists of up to `size` items of `items`, read by a background thread.

    An error while reading is raised here, in the consumer; leaving the loop early (an error
    while writing) stops the reader. `items` must not touch the database.
    """
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def deliver(value) -> bool:
        while not stop.is_set():
            try:
                ready.put(value, timeout=POLL_SECONDS)
            except queue.Full:
                continue
            return True
        return False

    def read() -> None:
        try:
            while batch := list(itertools.islice(items, size)):
                if not deliver(batch):
                    return
            deliver(_DONE)
        except BaseException as error:  # handed to the consumer, who raises it
            deliver(error)

    reader = threading.Thread(target=read, name="cml-reader", daemon=True)
    reader.start()
    try:
        while (batch := ready.get()) is not _DONE:
            if isinstance(batch, BaseException):
                raise batch
            yield batch
    finally:
        stop.set()
        reader.join()

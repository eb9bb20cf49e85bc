"""A task for the worker tests: it appends one line per run to a file, so that a test sees
how many times each task ran and in which process."""

import os
import time

from django_tasks import task


@task(queue_name="default")
def run_record(path: str, marker: int, seconds: float = 0.0) -> str:
    time.sleep(seconds)
    line = f"{marker} {os.getpid()}\n"
    # O_APPEND: lines written by several processes at once never mix.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line.encode())
    finally:
        os.close(descriptor)
    return f"ran {marker}"

"""The `kabinet` console command: Django's management commands plus a few of our own names.

    kabinet migrate | kabinet load-partners FILE | kabinet demo | kabinet check --deploy
    kabinet serve    production web server (gunicorn)
    kabinet worker   background task worker: polls the database queue, or with
                     TASKS_BACKEND=rq runs RQ's worker on the Redis queue
    kabinet jobs     scheduled jobs: `jobs list`, `jobs crontab`, `jobs run NAME|--all`

Command names may be written with hyphens: `load-partners` runs `load_partners`.
"""

import os
import sys

ALIASES = {"worker": "db_worker"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kabinet.settings")
    if len(argv) > 1 and argv[1] == "serve":
        serve(argv[2:])
        return
    if len(argv) > 1 and argv[1] == "worker" and _rq_backend():
        # RQ's worker (on the "default" queue unless queues are named), with the job class
        # that runs Django tasks.
        argv[1:2] = ["rqworker", "--job-class", "django_tasks_rq.Job"]
    elif len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = ALIASES.get(argv[1], argv[1].replace("-", "_"))
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def _rq_backend() -> bool:
    return os.environ.get("TASKS_BACKEND", "").strip() in {"rq", "django_tasks_rq.RQBackend"}


def serve(args: list[str]) -> None:
    """gunicorn with the project's WSGI app; extra arguments go to gunicorn."""
    bind = os.environ.get("BIND", "0.0.0.0:8000")
    workers = os.environ.get("WEB_CONCURRENCY", str((os.cpu_count() or 1) * 2 + 1))
    os.execvp(
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kabinet.wsgi",
            "--bind",
            bind,
            "--workers",
            workers,
            *args,
        ],
    )


if __name__ == "__main__":
    main()

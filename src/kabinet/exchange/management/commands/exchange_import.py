"""`kabinet exchange-import FILE_OR_DIR`: import CommerceML files from disk (E4 historical load,
packages too big for HTTP) by the code path of the 1C exchange, without an HTTP session."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kabinet.exchange.commerceml import CommerceMLError
from kabinet.exchange.packages import FileImported, package_import


class Command(BaseCommand):
    help = (
        "Import a CommerceML file, or every XML of a folder (catalog, then offers/prices/rests, "
        "then order documents), one transaction per file. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="an XML file or a folder of them")

    def handle(self, *args, path: Path, **options):
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        root = path if path.is_dir() else path.parent

        def log(result: FileImported) -> None:
            counts = " ".join(
                f"{key}={','.join(value) if isinstance(value, list) else value}"
                for key, value in sorted(result.counts.items())
            )
            name = result.path.relative_to(root).as_posix()
            self.stdout.write(f"{name}: {result.kind} {counts or '(nothing to import)'}")

        try:
            done = package_import(path=path, log=log)
        except CommerceMLError as error:
            raise CommandError(f"{error} (the files listed above are imported)") from error
        self.stdout.write(self.style.SUCCESS(f"{len(done)} files imported."))

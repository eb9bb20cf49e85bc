"""Everything that changes import jobs and partner codes (see each module's docstring)."""

from kabinet.imports.services.apply import ApplyResult, import_job_apply, import_lines
from kabinet.imports.services.checking import (
    import_row_fix,
    import_rows_use_proposed,
    row_code,
)
from kabinet.imports.services.codes import (
    CodeRow,
    CodesLoadResult,
    partner_code_delete,
    partner_code_set,
    partner_codes_load,
)
from kabinet.imports.services.jobs import (
    import_job_map,
    import_job_paste,
    import_job_upload,
    import_jobs_purge,
)
from kabinet.imports.services.running import (
    import_job_fail_unexpected,
    import_job_match,
    import_job_run,
)

__all__ = [
    "ApplyResult",
    "CodeRow",
    "CodesLoadResult",
    "import_job_apply",
    "import_job_fail_unexpected",
    "import_job_map",
    "import_job_match",
    "import_job_paste",
    "import_job_run",
    "import_job_upload",
    "import_jobs_purge",
    "import_lines",
    "import_row_fix",
    "import_rows_use_proposed",
    "partner_code_delete",
    "partner_code_set",
    "partner_codes_load",
    "row_code",
]

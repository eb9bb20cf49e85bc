"""Access to the project's shared CommerceML samples (``shared/fixtures/commerceml`` beside the
repository), never copied into it.

Without the folder the tests that need it skip, saying why; under ``CI=true`` they fail instead,
because CI is laid out with ``shared/`` and a silent skip there would hide a broken checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[4]
COMMERCEML_SAMPLES = REPOSITORY.parent / "shared" / "fixtures" / "commerceml"


def commerceml_samples() -> Path:
    """The samples folder; skips the calling test without it (fails under CI=true)."""
    if COMMERCEML_SAMPLES.is_dir():
        return COMMERCEML_SAMPLES
    reason = f"the shared CommerceML samples are not at {COMMERCEML_SAMPLES}"
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason}; CI=true requires them", pytrace=False)
    pytest.skip(reason)


def sample_names() -> list[str]:
    """Every XML sample, relative to the folder; one placeholder when the folder is missing, so
    that the parametrised tests still run once and skip or fail through `commerceml_samples`.
    """
    if not COMMERCEML_SAMPLES.is_dir():
        return ["(samples folder missing)"]
    return sorted(
        path.relative_to(COMMERCEML_SAMPLES).as_posix()
        for path in COMMERCEML_SAMPLES.rglob("*.xml")
    )

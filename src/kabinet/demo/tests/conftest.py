import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """The demo writes pictures and PDFs: into the test's own folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"

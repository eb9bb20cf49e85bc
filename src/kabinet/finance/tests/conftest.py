import pytest


@pytest.fixture(autouse=True)
def _private_dir(settings, tmp_path):
    settings.KABINET_PRIVATE_DIR = tmp_path / "private"

import pytest
from tests.conftest_helpers import client_for

from kabinet.conversations.tests.factories import manager_for


@pytest.fixture(autouse=True)
def private_dir(tmp_path, settings):
    """Each test stores attachments in its own folder, so "nothing stored" can be counted."""
    folder = tmp_path / "private"
    settings.KABINET_PRIVATE_DIR = folder
    return folder


def stored_files(folder) -> list:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def manager(partner):
    return manager_for(partner, email="manager@supplier.example")


@pytest.fixture
def manager_client(manager):
    return client_for(manager)

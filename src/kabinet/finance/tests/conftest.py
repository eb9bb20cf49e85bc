import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import translation
from tests.conftest_helpers import client_for

from kabinet.accounts.scope import scope_for


@pytest.fixture(autouse=True)
def _private_dir(settings, tmp_path):
    settings.KABINET_PRIVATE_DIR = tmp_path / "private"


@pytest.fixture
def english(settings):
    """Texts asserted as written (the portal's default language is Russian)."""
    mail.outbox = []
    with translation.override("en"):
        yield


@pytest.fixture
def scope(partner_admin):
    return scope_for(partner_admin)


@pytest.fixture
def english_client(partner_admin):
    client = client_for(partner_admin)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client

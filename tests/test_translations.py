import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOG = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def test_every_interface_text_has_a_russian_translation():
    catalog = polib.pofile(str(CATALOG))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_the_russian_catalog_lists_every_text_of_the_code(tmp_path):
    """makemessages on a copy of the code finds no text that the catalog lacks."""
    copy = tmp_path / "kabinet"
    shutil.copytree(settings.BASE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "ru",
            "--no-location",
            "--ignore",
            "*/tests/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "PYTHONPATH": f"{Path(settings.BASE_DIR).parent}:{Path(settings.PROJECT_DIR)}",
        },
    )
    fresh = {
        e.msgid
        for e in polib.pofile(str(copy / "locale/ru/LC_MESSAGES/django.po"))
        if not e.obsolete
    }
    committed = {e.msgid for e in polib.pofile(str(CATALOG)) if not e.obsolete}
    assert sorted(fresh - committed) == []


@pytest.mark.django_db
def test_the_language_switch_turns_the_interface_english_and_back(client):
    assert "Войти" in client.get("/account/login/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/account/login/"})
    assert response.status_code == 302
    page = client.get("/account/login/").content.decode()
    assert '<html lang="en">' in page
    assert "Forgot your password?" in page
    client.post("/i18n/setlang/", {"language": "ru", "next": "/account/login/"})
    page = client.get("/account/login/").content.decode()
    assert '<html lang="ru">' in page
    assert "Забыли пароль?" in page

"""The project as an operator meets it: the console command and production settings."""

import os
import secrets
import stat
import subprocess
import sys


def kabinet(*args, **env):
    """The console command in a fresh process; an environment variable given as None is unset."""
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "kabinet.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={name: value for name, value in environment.items() if value is not None},
    )


def test_check_deploy_has_no_warnings_with_the_documented_production_settings(tmp_path):
    result = kabinet(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example.com",
        DJANGO_SETTINGS_MODULE="kabinet.settings",
        KABINET_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_about_debug_in_production(tmp_path):
    result = kabinet(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="1",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example.com",
        DJANGO_SETTINGS_MODULE="kabinet.settings",
        KABINET_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout


def test_command_names_may_be_written_with_hyphens():
    result = kabinet("show-urls", DJANGO_SETTINGS_MODULE="kabinet.settings")
    assert "Unknown command: 'show_urls'" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = kabinet(
        "check",
        DEBUG="0",
        SECRET_KEY=None,
        ALLOWED_HOSTS="portal.example.com",
        DJANGO_SETTINGS_MODULE="kabinet.settings",
        KABINET_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set." in result.stderr
    assert "set the SECRET_KEY environment variable" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_a_key_only_its_owner_can_read_and_says_so(tmp_path):
    def check():
        return kabinet(
            "check",
            DEBUG="1",
            SECRET_KEY=None,
            DJANGO_SETTINGS_MODULE="kabinet.settings",
            KABINET_VAR_DIR=str(tmp_path),
        )

    first = check()
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text()) >= 50
    assert f"generated a development key into {key_file} (mode 0600)" in first.stderr

    key_file.chmod(0o644)  # as an earlier version left it
    second = check()
    assert second.returncode == 0, second.stderr
    assert "generated" not in second.stderr  # the same key is kept
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_behind_a_proxy_the_throttles_trust_one_forwarding_proxy_unless_told(tmp_path):
    def trusted(**env):
        result = kabinet(
            "shell",
            "-c",
            "from django.conf import settings; print(settings.KABINET_TRUSTED_PROXIES)",
            DEBUG="1",
            DJANGO_SETTINGS_MODULE="kabinet.settings",
            KABINET_VAR_DIR=str(tmp_path),
            **{"BEHIND_PROXY": None, "TRUSTED_PROXY_COUNT": None, **env},
        )
        assert result.returncode == 0, result.stderr
        return int(result.stdout.split()[-1])

    assert trusted() == 0
    assert trusted(BEHIND_PROXY="1") == 1
    assert trusted(BEHIND_PROXY="1", TRUSTED_PROXY_COUNT="2") == 2

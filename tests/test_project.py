"""The project as an operator meets it: the console command and production settings."""

import os
import secrets
import subprocess
import sys


def kabinet(*args, **env):
    return subprocess.run(
        [sys.executable, "-m", "kabinet.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
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

"""The shared-samples helper: skip without the folder, but fail under CI=true."""

from __future__ import annotations

import pytest

from kabinet.exchange.tests import shared


@pytest.fixture
def no_samples(tmp_path, monkeypatch):
    monkeypatch.setattr(shared, "COMMERCEML_SAMPLES", tmp_path / "absent")


def test_missing_samples_skip_with_the_reason(no_samples, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="shared CommerceML samples are not at"):
        shared.commerceml_samples()
    assert shared.sample_names() == ["(samples folder missing)"]


def test_missing_samples_fail_under_ci(no_samples, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true requires them"):
        shared.commerceml_samples()


def test_samples_are_read_beside_the_repository_not_copied_into_it():
    assert shared.REPOSITORY.parent / "shared/fixtures/commerceml" == shared.COMMERCEML_SAMPLES
    assert (shared.REPOSITORY / "pyproject.toml").is_file()

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache_and_media(settings, tmp_path):
    """Catalog caches hold section trees and facets keyed by ids that the next test reuses."""
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    cache.clear()

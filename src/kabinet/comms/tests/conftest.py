"""The orders tests' fixtures serve the notification tests as they are."""

from kabinet.orders.tests.conftest import _isolated_side_effects, goods, scope  # noqa: F401

"""The search tests' page fixtures, for the fault tests."""

from tests.search.conftest import column, publish  # noqa: F401 - fixtures

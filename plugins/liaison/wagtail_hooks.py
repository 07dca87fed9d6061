"""Admin of the liaison plugin."""

from . import committee_admin  # noqa: F401  (委员联系代表: committee_admin.py)

"""Models of the liaison plugin."""

from .committee import *  # noqa: E402,F403  (委员联系代表: committee.py)

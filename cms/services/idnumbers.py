"""Resident identity card numbers (公民身份号码, GB 11643-1999): the one check-digit rule.

People live in the core (one account per person), so the rules of their ID
number do too: plugins (deputies today; suggestions, liaison tomorrow), the
demo generators and the tests all call these.
"""

from __future__ import annotations

import re

_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_digit(body: str) -> str:
    """The 18th character for the first 17 digits ``body`` (``0``–``9`` or ``X``)."""
    return _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def with_check_digit(body: str) -> str:
    return body + check_digit(body)


def normalise_id_number(value: str | None) -> str:
    """Spaces removed, ``x`` upper-cased."""
    return re.sub(r"\s", "", str(value or "")).upper()


def id_number_problem(value: str) -> str | None:
    """Why ``value`` is not a valid resident ID number, in Chinese, or ``None``."""
    if not _ID_NUMBER.match(value):
        return "应为 18 位，前 17 位为数字，最后一位为数字或 X"
    if check_digit(value[:17]) != value[17]:
        return "校验码不正确"
    return None


def mask_id_number(value: str) -> str:
    """``340104199001011234`` → ``3401**********1234``."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]

"""Contract violations found by these tests in endpoints owned elsewhere, each named.

An entry marks the matching test as a strict xfail: when the bug is fixed the
test fails with "known bug no longer found", and the entry must be removed.
A fuzz entry lets through only the failures it describes (check and message),
so a different failure of the same operation still fails the test. Never add
an entry without saying what is wrong and where.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class FuzzBug:
    reason: str
    failure: str  # schemathesis failure class, e.g. "UndefinedStatusCode"
    text: str = ""  # and a piece of its message

    def matches(self, failure: BaseException) -> bool:
        return type(failure).__name__ == self.failure and self.text in str(failure)


#: operationId → bug, for test_public_reads_are_documented_as_anonymous.
ANONYMOUS: dict[str, str] = {}

#: Breaking change (as breaking.Change prints it) against the last released contract → bug.
BREAKING: dict[str, str] = {}

#: Example file stem → bug.
EXAMPLES: dict[str, str] = {}

#: Fuzzed operation label ("GET /api/v1/pages/") → bug.
FUZZ: dict[str, FuzzBug] = {}

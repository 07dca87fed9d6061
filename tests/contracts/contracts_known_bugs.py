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


#: GET /api/v1/me/ answers 401 to an anonymous caller, documented: 200 only (cms/api/me.py).
ME_401 = "GET /api/v1/me/ answers 401 (problem) without a token; only 200 is documented"
#: PageDetail is a ``oneOf`` of the page types, but every variant's ``type`` is the
#: shared PageTypeEnum (all seven values) and objects allow extra properties, so a
#: column's payload is valid under HomeDetail *and* ContainerDetail (a township's
#: under three): "valid under more than one of the schemas listed in 'oneOf'".
#: The ``discriminator`` rescues validators that implement it (openapi-schema-validator,
#: used by test_examples.py), not plain JSON Schema ones (schemathesis, ajv) nor code
#: generators; each variant's ``type`` needs its own single-value enum
#: (cms/api/serializers.py, DETAIL_SERIALIZERS / PolymorphicProxySerializer in cms/api/pages.py).
PAGE_DETAIL_ONEOF = "PageDetail oneOf: a column/township payload matches several variants"

#: operationId → bug, for test_public_reads_are_documented_as_anonymous.
ANONYMOUS: dict[str, str] = {}

#: Breaking change (as breaking.Change prints it) against the last released contract → bug.
BREAKING: dict[str, str] = {}

#: Example file stem → bug.
EXAMPLES: dict[str, str] = {
    "me.401": ME_401,
}

#: Fuzzed operation label ("GET /api/v1/pages/") → bug.
FUZZ: dict[str, FuzzBug] = {
    "GET /api/v1/me/": FuzzBug(ME_401, "UndefinedStatusCode", "401"),
    "GET /api/v1/pages/find/": FuzzBug(PAGE_DETAIL_ONEOF, "JsonSchemaError", "oneOf"),
    "GET /api/v1/pages/{page_id}/": FuzzBug(PAGE_DETAIL_ONEOF, "JsonSchemaError", "oneOf"),
}

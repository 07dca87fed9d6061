"""Property-based fuzzing of the API's writes against the committed OpenAPI document.

Every POST, PATCH, PUT and DELETE operation of frontend_contracts/openapi.json
is called with generated bodies, parameters and headers (valid and invalid,
``Idempotency-Key`` included) through the Django WSGI app, **logged in** as a
mini-program is: each call carries the bearer token of a fresh citizen's
account (a token the call may spend: logging out, erasing the account). No
call may answer a server error, a status or media type the document does not
list, or a body that does not match its schema. Bounded and derandomized.
"""

import itertools

import schemathesis
from django.core.cache import cache
from test_fuzz import (
    _call_and_validate,
    _keep_the_test_connection,  # noqa: F401  (autouse fixture)
    _known_bug,  # noqa: F401  (autouse fixture)
    _real,
    _real_values,  # noqa: F401  (autouse fixture)
    application,
    bounded,
)

from cms.api.management.openapi_doc import DOCUMENT_PATH, load

MAX_EXAMPLES = 20
WRITES = ["POST", "PATCH", "PUT", "DELETE"]

schema = schemathesis.openapi.from_dict(load(DOCUMENT_PATH)).include(method=WRITES)
schema.app = application

_mobiles = (f"139{n:08d}" for n in itertools.count(20000000))


@schema.hook
def map_case(context, case):
    query = case.query if isinstance(case.query, dict) else {}
    if "site" in query:
        query["site"] = _real("site", query["site"])
    return case


def _login_header() -> dict[str, str]:
    from cms.services import accounts

    user = accounts.citizen_account(next(_mobiles)).user
    tokens = accounts.issue_tokens(user, device_id="fuzz")
    return {"Authorization": f"Bearer {tokens.access_token}"}


@schema.parametrize()
@bounded(MAX_EXAMPLES)
def test_logged_in_writes_conform_to_the_document(case, published_pages):
    cache.clear()  # no throttling between generated calls
    headers = dict(case.headers or {})
    headers.update(_login_header())
    case.headers = headers
    _call_and_validate(case)

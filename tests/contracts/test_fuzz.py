"""Property-based fuzzing of the API against the committed OpenAPI document (schemathesis).

Every GET operation of frontend_contracts/openapi.json is called with
generated parameters (valid and invalid ones) through the Django WSGI app,
on the small site group with a few published pages. No call may answer a
server error, a status the document does not list, a media type it does not
list, or a body that does not match its schema. Bounded and derandomized:
the same examples every run.

Writes are not fuzzed here: the public API is read-only for anonymous
callers, and the plugin framework's tests cover the plugin write routes.
"""

import contracts_known_bugs as known_bugs
import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cms.api.management.openapi_doc import DOCUMENT_PATH, load

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def application(environ, start_response):
    # A handler per request: middleware reads settings when it is built, and the
    # tests' settings (no HTTPS redirect) are only in force inside a test.
    return WSGIHandler()(environ, start_response)


schema = schemathesis.openapi.from_dict(load(DOCUMENT_PATH)).include(method="GET")
schema.app = application

#: Real values (filled by the ``_real_values`` fixture). Random codes and ids
#: almost never exist, so most generated site codes, page ids and paths are
#: mapped onto real ones; the rest stay as generated and exercise the 404s.
REAL: dict[str, list] = {"site": [], "page_id": [], "path": [], "column": []}


def _real(kind: str, value):
    """A real value for most generated ones (chosen by the value, so runs repeat)."""
    choices = REAL[kind]
    if not choices or value is None or isinstance(value, bool):
        return value
    seed = sum(map(ord, str(value)))
    return value if seed % 4 == 0 else choices[seed % len(choices)]


@schema.hook
def map_case(context, case):
    query = case.query if isinstance(case.query, dict) else {}
    path_parameters = case.path_parameters if isinstance(case.path_parameters, dict) else {}
    for params, name, kind in (
        (query, "site", "site"),
        (query, "column", "column"),
        (query, "descendant_of", "column"),
        (path_parameters, "code", "site"),
    ):
        if name in params:
            params[name] = _real(kind, params[name])
    # A real page or path is looked up on its own site (Fei Xi), or the call only tests a 404.
    for params, name, kind in ((path_parameters, "page_id", "page_id"), (query, "path", "path")):
        if name in params:
            params[name] = _real(kind, params[name])
            if params[name] in REAL[kind] and "site" in query:
                query["site"] = "340123"
    return case


@pytest.fixture(autouse=True)
def _real_values(site_group, published_pages):
    site = site_group["340123"]
    REAL["site"] = [*sorted(site_group), "340123100"]
    column = published_pages[0].get_parent()
    REAL["page_id"] = [page.pk for page in published_pages] + [site.site.root_page_id, column.pk]
    home = site.site.root_page.url_path  # "/site-340123/"; find-by-path is relative to it
    REAL["path"] = ["/", "/news/"] + [
        "/" + page.url_path.removeprefix(home) for page in published_pages[:2]
    ]
    REAL["column"] = [column.pk]
    yield
    for values in REAL.values():
        values.clear()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # As Django's test client does: the test's transaction lives on the one
    # connection, which the end of a request must not close (PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


#: Operation label → whether its known bug (contracts_known_bugs.FUZZ) showed up.
_KNOWN_BUG_SEEN: dict[str, bool] = {}


@pytest.fixture(autouse=True)
def _known_bug(request):
    """Strict xfail for an operation with a named bug, without pytest's xfail mark
    (which schemathesis's report hook cannot take): only failures matching the bug
    are let through, the test then reports xfailed, and fails once the bug is gone."""
    label = getattr(request.node, "operation_label", "")
    _KNOWN_BUG_SEEN.pop(label, None)
    yield
    if label in known_bugs.FUZZ:
        bug = known_bugs.FUZZ[label]
        if _KNOWN_BUG_SEEN.get(label):
            pytest.xfail(bug.reason)
        pytest.fail(f"known bug no longer found, remove it from contracts_known_bugs: {bug.reason}")


def _call_and_validate(case) -> None:
    bug = known_bugs.FUZZ.get(case.operation.label)
    try:
        case.call_and_validate(checks=CHECKS)
    except FailureGroup as group:
        if bug is None or not all(bug.matches(failure) for failure in group.exceptions):
            raise
        _KNOWN_BUG_SEEN[case.operation.label] = True


def bounded(max_examples: int):
    """Hypothesis settings of the API fuzzers: bounded, derandomized, the same every run."""
    return settings(
        max_examples=max_examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )


@schema.parametrize()
@bounded(MAX_EXAMPLES)
def test_api_conforms_to_the_document(case, published_pages):
    cache.clear()  # no throttling or cached answer between generated calls
    _call_and_validate(case)

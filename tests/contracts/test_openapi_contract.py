"""The committed contract (frontend_contracts/openapi.json) and the code agree.

Like Saleor's committed ``schema.graphql``: a change to the API shows up as a
change to this file in the same commit, where reviewers and the frontends see
it. Regenerate with ``python manage.py export_openapi`` (or ``make contracts``).
"""

import difflib

import contracts_known_bugs as known_bugs
import pytest
from openapi_spec_validator import validate

from cms.api.management.breaking import find_breaking_changes
from cms.api.management.openapi_doc import (
    DOCUMENT_PATH,
    ContractGenerationRefused,
    generate_document,
    generate_in_subprocess,
    load,
    released_documents,
)

REGENERATE = "python manage.py export_openapi"


def test_committed_document_matches_the_code():
    # A fresh process, as a developer runs the command: no pytest-only example plugin.
    generated = generate_in_subprocess()
    committed = DOCUMENT_PATH.read_text(encoding="utf-8")
    if generated != committed:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    generated.splitlines(keepends=True),
                    "frontend_contracts/openapi.json",
                    "generated",
                )
            )[:200]
        )
        pytest.fail(f"The committed OpenAPI document is out of date; run `{REGENERATE}`.\n{diff}")


def test_committed_document_is_valid_openapi():
    document = load(DOCUMENT_PATH)
    validate(document)
    assert document["paths"], "the contract documents no operation"
    assert all(path.startswith("/api/v1/") for path in document["paths"])
    assert not any(path.startswith("/api/v1/example/") for path in document["paths"])


def test_every_operation_has_a_unique_operation_id():
    ids = [
        operation["operationId"]
        for item in load(DOCUMENT_PATH)["paths"].values()
        for method, operation in item.items()
        if isinstance(operation, dict) and method != "parameters"
    ]
    assert len(ids) == len(set(ids))


def test_the_pytest_only_example_plugin_never_reaches_the_contract():
    # Under pytest the example plugin is installed: generating here must refuse
    # rather than write /api/v1/example/ into the contract.
    with pytest.raises(ContractGenerationRefused):
        generate_document()
    with_plugin = generate_document(allow_test_plugins=True)
    assert any(path.startswith("/api/v1/example/") for path in with_plugin["paths"])


def test_no_breaking_change_against_the_last_released_contract():
    released = released_documents()
    assert released, "frontend_contracts/released/ holds no released contract"
    changes = [str(c) for c in find_breaking_changes(load(released[-1]), load(DOCUMENT_PATH))]
    unexpected = [change for change in changes if change not in known_bugs.BREAKING]
    assert not unexpected, (
        f"Breaking changes against {released[-1].name} (a new major version, /api/v2/, is "
        "needed for these; see frontend_contracts/README.md):\n" + "\n".join(unexpected)
    )
    gone = sorted(set(known_bugs.BREAKING) - set(changes))
    assert not gone, f"known breaking changes no longer found, remove them: {gone}"
    if changes:
        pytest.xfail("; ".join(sorted({known_bugs.BREAKING[change] for change in changes})))


#: Operations that need a token; every other read is anonymous (architecture: "Anonymous reads").
TOKEN_ONLY = {"me", "me_notifications", "me_devices", "feedback_mine",
              "suggestions_list", "suggestions_retrieve",  # a deputy's own suggestions
              # a citizen's or deputy's own comments and proposals
              "consultations_comments_list", "consultations_comments_retrieve",
              "consultations_proposals_list", "consultations_proposals_retrieve",
              # a citizen's own messages, a deputy's inbox, a unit's forwarded messages
              "liaison_messages_list", "liaison_messages_retrieve", "liaison_inbox_list",
              "liaison_inbox_retrieve", "liaison_unit_messages_list",
              "liaison_unit_messages_retrieve",
              # a committee member's deputies and log, the office's coverage, a deputy's side
              "liaison_committee_deputies_list", "liaison_committee_contacts_list",
              "liaison_committee_contacts_retrieve", "liaison_committee_coverage_retrieve",
              "liaison_deputy_contacts_list", "liaison_deputy_contacts_retrieve",
              "liaison_deputy_invitations_list", "liaison_deputy_invitations_retrieve",
              # the resources (知情知政) whose audience includes the caller
              "resources_list", "resources_retrieve", "resources_files_retrieve",
              "resources_categories_list",
              # the courses and classes (学习培训) whose audience includes the caller
              "training_courses_list", "training_courses_retrieve",
              "training_courses_lessons_media_retrieve", "training_courses_quiz_retrieve",
              "training_courses_certificate_retrieve", "training_classes_list",
              "training_classes_retrieve",
              # the laws library of the training plugin: for signed-in deputies and staff
              "training_laws_list"}  # fmt: skip


GET_OPERATIONS = [
    pytest.param(item["get"], id=item["get"]["operationId"])
    for item in load(DOCUMENT_PATH)["paths"].values()
    if "get" in item
]


@pytest.mark.parametrize("operation", GET_OPERATIONS)
def test_public_reads_are_documented_as_anonymous(operation, request):
    if operation["operationId"] in known_bugs.ANONYMOUS:
        request.applymarker(
            pytest.mark.xfail(reason=known_bugs.ANONYMOUS[operation["operationId"]], strict=True)
        )
    security = operation.get("security")
    if operation["operationId"] in TOKEN_ONLY:
        assert security and {} not in security
    else:
        # No security at all, or an empty requirement among the alternatives.
        assert security is None or {} in security, security


def test_every_filter_a_list_validates_is_in_the_contract():
    """A list view's ``params_class`` is the set of query parameters it accepts; the
    contract lists each of them (frontends generate their clients from it)."""
    from drf_spectacular.generators import EndpointEnumerator

    documented = {
        path: {p["name"] for p in item["get"].get("parameters", [])}
        for path, item in load(DOCUMENT_PATH)["paths"].items()
        if "get" in item
    }
    checked = []
    for path, _regex, method, view in EndpointEnumerator().get_api_endpoints():
        params_class = getattr(view.cls, "params_class", None)
        action = (getattr(view, "actions", None) or {}).get("get")
        if method != "GET" or action != "list" or not isinstance(params_class, type):
            continue
        if path not in documented:  # the pytest-only example plugin
            continue
        missing = set(params_class().fields) - documented[path]
        assert not missing, f"{path}: {sorted(missing)} are validated but not documented"
        checked.append(path)
    assert "/api/v1/liaison/published/" in checked

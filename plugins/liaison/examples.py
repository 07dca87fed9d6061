"""Example payloads of the liaison plugin's routes (``frontend_contracts/examples/``)."""

from . import committee_examples


def api_examples(recorder) -> list:
    return [*committee_examples.api_examples(recorder)]

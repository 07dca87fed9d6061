"""Demo data of the liaison plugin."""

from . import committee_demo


def load_demo(profile) -> dict:
    return {**committee_demo.load(profile)}

"""Benchmarks of the Lianxi API (not part of the product or of ``make test``)."""

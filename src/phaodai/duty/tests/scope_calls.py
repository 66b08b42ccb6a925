"""Scope cases (core/tests/test_endpoint_scope.py) for the duty app's calls endpoints: URL name → case."""

CASES: dict = {}

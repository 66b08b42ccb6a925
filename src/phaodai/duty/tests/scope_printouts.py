"""Scope cases (core/tests/test_endpoint_scope.py) for the duty app's printouts endpoints: URL name → case."""

CASES: dict = {}

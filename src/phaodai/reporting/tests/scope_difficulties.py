"""Scope cases (core/tests/test_endpoint_scope.py) for the reporting app's difficulties endpoints: URL name → case."""

CASES: dict = {}

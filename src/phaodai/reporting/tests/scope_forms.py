"""Scope cases (core/tests/test_endpoint_scope.py) for the reporting app's forms endpoints: URL name → case."""

CASES: dict = {}

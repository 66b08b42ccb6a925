"""Scope cases (core/tests/test_endpoint_scope.py) for the welfare app's registry endpoints: URL name → case."""

CASES: dict = {}

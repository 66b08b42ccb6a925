"""Scope cases (core/tests/test_endpoint_scope.py) for the welfare app's imports endpoints: URL name → case."""

CASES: dict = {}

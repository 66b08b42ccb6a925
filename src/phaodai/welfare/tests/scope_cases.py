"""All the welfare app's scope cases, merged into core/tests/test_endpoint_scope.py's CASES."""

from phaodai.welfare.tests import scope_imports, scope_lists, scope_matching, scope_registry

WELFARE_CASES: dict = {
    **scope_registry.CASES,
    **scope_lists.CASES,
    **scope_imports.CASES,
    **scope_matching.CASES,
}

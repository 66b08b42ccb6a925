"""All the duty app's scope cases, merged into core/tests/test_endpoint_scope.py's CASES."""

from phaodai.duty.tests import scope_calls, scope_community, scope_hotlines, scope_printouts, scope_rosters

DUTY_CASES: dict = {
    **scope_rosters.CASES,
    **scope_printouts.CASES,
    **scope_hotlines.CASES,
    **scope_community.CASES,
    **scope_calls.CASES,
}

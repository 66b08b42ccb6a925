"""All the reporting app's scope cases, merged into core/tests/test_endpoint_scope.py's CASES."""

from phaodai.reporting.tests import scope_difficulties, scope_forms, scope_rates, scope_reports

REPORTING_CASES: dict = {
    **scope_reports.CASES,
    **scope_rates.CASES,
    **scope_difficulties.CASES,
    **scope_forms.CASES,
}

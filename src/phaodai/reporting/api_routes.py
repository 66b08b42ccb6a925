"""Every API route of the reporting app, for phaodai.api_urls."""

from phaodai.reporting import api_difficulties, api_forms, api_rates, api_reports


def routes() -> list:
    return [*api_reports.ROUTES, *api_rates.ROUTES, *api_difficulties.ROUTES, *api_forms.ROUTES]

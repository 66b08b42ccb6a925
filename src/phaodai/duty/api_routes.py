"""Every API route of the duty app, for phaodai.api_urls."""

from phaodai.duty import api_calls, api_community, api_hotlines, api_printouts, api_rosters


def routes() -> list:
    return [*api_rosters.ROUTES, *api_printouts.ROUTES, *api_hotlines.ROUTES, *api_community.ROUTES, *api_calls.ROUTES]

"""Every API route of the welfare app, for phaodai.api_urls."""

from phaodai.welfare import api_imports, api_lists, api_matching, api_registry


def routes() -> list:
    return [*api_registry.ROUTES, *api_lists.ROUTES, *api_imports.ROUTES, *api_matching.ROUTES]

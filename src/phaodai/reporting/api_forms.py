"""API of the reporting app's forms part: ROUTES are registered by phaodai.api_urls."""

ROUTES: list = []  # (prefix, viewset, basename)

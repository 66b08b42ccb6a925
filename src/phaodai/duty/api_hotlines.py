"""API of the duty app's hotlines part: ROUTES are registered by phaodai.api_urls."""

ROUTES: list = []  # (prefix, viewset, basename)

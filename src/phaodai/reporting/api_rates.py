"""API of the reporting app's rates part: ROUTES are registered by phaodai.api_urls."""

ROUTES: list = []  # (prefix, viewset, basename)

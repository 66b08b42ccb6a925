"""API of the welfare app's imports part: ROUTES are registered by phaodai.api_urls."""

ROUTES: list = []  # (prefix, viewset, basename)

"""API of the reporting app's difficulties part: ROUTES are registered by phaodai.api_urls."""

ROUTES: list = []  # (prefix, viewset, basename)

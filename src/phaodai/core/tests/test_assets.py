"""No network at run time: every script and stylesheet a page links to is served by phaodai itself."""

import re

from django.test import Client, override_settings


@override_settings(WHITENOISE_USE_FINDERS=True, DEBUG=False)
def test_every_asset_the_pages_link_to_is_served_locally(world, client_for):
    pages = ["/accounts/login/", "/", "/staff/", "/api/docs/"]
    assets: set[str] = set()
    client = client_for(world.users["home_affairs"])
    for page in pages:
        html = client.get(page).content.decode()
        assets |= set(re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html))
    assets.discard("data:,")
    assert assets, "the pages link to no assets at all?"
    external = sorted(a for a in assets if not a.startswith("/static/"))
    assert external == []
    fresh = Client()  # a new handler: the static middleware reads its settings when it is built
    for asset in sorted(assets):
        response = fresh.get(asset)
        assert response.status_code == 200, asset

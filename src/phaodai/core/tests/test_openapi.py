"""The API describes itself: a valid OpenAPI 3 schema without generator warnings, and Swagger UI served locally."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.viewsets import ReadOnlyModelViewSet

from phaodai.accounts.roles import PERMISSIONS
from phaodai.core.api import RolePermission

KNOWN_PERMISSIONS = set().union(*PERMISSIONS.values())


def test_the_schema_generates_without_warnings_or_errors_and_validates():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    assert problems == {}
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    paths = set(schema["paths"])
    for path in (
        "/api/units/",
        "/api/units/{id}/",
        "/api/agencies/{id}/",
        "/api/staff/",
        "/api/staff/{id}/",
        "/api/skills/",
        "/api/users/{id}/",
        "/api/me/",
        "/api/auth/token/",
    ):
        assert path in paths
    staff_params = {p["name"] for p in schema["paths"]["/api/staff/"]["get"]["parameters"]}
    assert {"q", "agency", "under", "status", "skill", "page"} <= staff_params
    user_fields = schema["components"]["schemas"]["User"]["properties"]
    assert user_fields["password"].get("writeOnly") is True
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


@pytest.mark.django_db
def test_the_schema_is_served_as_openapi_3(client):
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.django_db
def test_the_docs_page_loads_everything_from_our_own_static_files(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "http://" not in html and "https://" not in html, "no CDN: every asset must be local"
    assert not re.search(r"""(src|href)=["']//""", html)
    assets = re.findall(r"""["'](/static/[^"']+)["']""", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not a static file we ship"


def _api_views(patterns=None, prefix=""):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "api" or prefix:
                yield from _api_views(p.url_patterns, prefix or "api")
            continue
        if prefix and isinstance(p, URLPattern):
            yield p


def test_every_api_view_declares_its_permission():
    seen = 0
    for pattern in _api_views():
        view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
        assert view is not None, pattern
        assert hasattr(view, "permission"), f"{view.__name__} has no `permission`"
        if view.permission:
            assert RolePermission in view.permission_classes, view.__name__
            assert f"{view.permission}.view" in KNOWN_PERMISSIONS, view.__name__
            if not issubclass(view, ReadOnlyModelViewSet):
                assert f"{view.permission}.change" in KNOWN_PERMISSIONS, view.__name__
        seen += 1
    assert seen >= 10

"""The REST API under /api/: resources, token login, OpenAPI schema and its Swagger UI (served locally).

Every view here carries a `permission` attribute (None = no role permission needed) for the URL-walking test.
The schema and docs are public like the source code they describe; the data endpoints all need a login.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import APIRootView, DefaultRouter

from phaodai.accounts.api import MeView, UserViewSet
from phaodai.duty.api_routes import routes as duty_routes
from phaodai.mobilisation.api import (
    AssignmentViewSet,
    DelegationViewSet,
    MobilisationDecisionViewSet,
    PoolViewSet,
    StaffingRequestViewSet,
    TeamViewSet,
)
from phaodai.places.api import AdminUnitViewSet, AgencyViewSet
from phaodai.reporting.api_routes import routes as reporting_routes
from phaodai.staff.api import SkillViewSet, StaffMemberViewSet
from phaodai.welfare.api_routes import routes as welfare_routes

app_name = "api"


class RootView(APIRootView):
    """The API's entry point: links to every resource."""

    permission = None  # authentication only (the project default)


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (send it as `Authorization: Token <key>`)."""

    permission = None  # public: this is how one logs in


class SchemaView(SpectacularAPIView):
    permission = None


class DocsView(SpectacularSwaggerView):
    permission = None


class Router(DefaultRouter):
    APIRootView = RootView


router = Router()
router.register("units", AdminUnitViewSet, basename="units")
router.register("agencies", AgencyViewSet, basename="agencies")
router.register("staff", StaffMemberViewSet, basename="staff")
router.register("skills", SkillViewSet, basename="skills")
router.register("users", UserViewSet, basename="users")
router.register("staffing-requests", StaffingRequestViewSet, basename="staffing-requests")
router.register("pool", PoolViewSet, basename="pool")
router.register("decisions", MobilisationDecisionViewSet, basename="decisions")
router.register("assignments", AssignmentViewSet, basename="assignments")
router.register("delegations", DelegationViewSet, basename="delegations")
router.register("teams", TeamViewSet, basename="teams")
for prefix, viewset, basename in [*reporting_routes(), *duty_routes(), *welfare_routes()]:
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("auth/token/", TokenView.as_view(), name="token"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]

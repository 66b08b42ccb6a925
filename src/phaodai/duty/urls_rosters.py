"""URL patterns of the duty app's rosters part (in the "duty" namespace)."""

from django.urls import path

from phaodai.duty import views_rosters as v

urlpatterns: list = [
    path("sites/", v.DutySiteListView.as_view(), name="dutysite_list"),
    path("sites/add/", v.DutySiteCreateView.as_view(), name="dutysite_add"),
    path("sites/<int:pk>/", v.DutySiteDetailView.as_view(), name="dutysite_detail"),
    path("sites/<int:pk>/edit/", v.DutySiteUpdateView.as_view(), name="dutysite_edit"),
    path("sites/<int:pk>/rules/add/", v.CoverageRuleCreateView.as_view(), name="coveragerule_add"),
    path("rules/<int:pk>/edit/", v.CoverageRuleUpdateView.as_view(), name="coveragerule_edit"),
    path("unavailability/add/", v.UnavailabilityCreateView.as_view(), name="unavailability_add"),
    path("rosters/", v.RosterListView.as_view(), name="roster_list"),
    path("rosters/add/", v.RosterCreateView.as_view(), name="roster_add"),
    path("rosters/<int:pk>/", v.RosterDetailView.as_view(), name="roster_detail"),
    path("rosters/<int:pk>/edit/", v.RosterEditView.as_view(), name="roster_edit"),
    path("rosters/<int:pk>/publish/", v.RosterPublishView.as_view(), name="roster_publish"),
]

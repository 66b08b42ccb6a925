"""URL patterns of the duty app's community part (in the "duty" namespace): community COVID teams, households and
the public directory of each commune (the three directory pages need no login)."""

from django.urls import path

from phaodai.duty import views_community as views

urlpatterns: list = [
    # Community COVID teams (tổ COVID cộng đồng)
    path("community-teams/", views.CommunityTeamListView.as_view(), name="communityteam_list"),
    path("community-teams/export.xlsx", views.CommunityTeamExportView.as_view(), name="communityteam_export"),
    path("community-teams/add/", views.CommunityTeamCreateView.as_view(), name="communityteam_add"),
    path("community-teams/<int:pk>/", views.CommunityTeamDetailView.as_view(), name="communityteam_detail"),
    path("community-teams/<int:pk>/edit/", views.CommunityTeamUpdateView.as_view(), name="communityteam_edit"),
    path(
        "community-teams/<int:pk>/members/add/",
        views.CommunityTeamMemberAddView.as_view(),
        name="communityteam_member_add",
    ),
    path(
        "community-teams/<int:pk>/members/remove/",
        views.CommunityTeamMemberRemoveView.as_view(),
        name="communityteam_member_remove",
    ),
    path(
        "community-teams/<int:pk>/households/add/",
        views.CommunityTeamHouseholdAddView.as_view(),
        name="communityteam_household_add",
    ),
    path(
        "community-teams/<int:pk>/households/remove/",
        views.CommunityTeamHouseholdRemoveView.as_view(),
        name="communityteam_household_remove",
    ),
    # Households (hộ gia đình)
    path("households/", views.HouseholdListView.as_view(), name="household_list"),
    path("households/export.xlsx", views.HouseholdExportView.as_view(), name="household_export"),
    path("households/without-team/", views.HouseholdGapsView.as_view(), name="household_gaps"),
    path("households/add/", views.HouseholdCreateView.as_view(), name="household_add"),
    path("households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household_detail"),
    path("households/<int:pk>/edit/", views.HouseholdUpdateView.as_view(), name="household_edit"),
    # The public directory: no login
    path("directory/", views.DirectoryIndexView.as_view(), name="directory_index"),
    path("directory/<str:key>/", views.DirectoryView.as_view(), name="directory"),
    path("directory/<str:key>/poster.pdf", views.DirectoryPosterView.as_view(), name="directory_poster"),
]

from django.urls import path

from phaodai.places import views, views_excel

app_name = "places"

urlpatterns: list = [
    # Pages (helper "web")
    path("units/", views.AdminUnitListView.as_view(), name="adminunit_list"),
    path("units/<int:pk>/", views.AdminUnitDetailView.as_view(), name="adminunit_detail"),
    path("units/<int:pk>/edit/", views.AdminUnitUpdateView.as_view(), name="adminunit_edit"),
    path("units/<int:pk>/neighbourhoods/add/", views.NeighbourhoodCreateView.as_view(), name="neighbourhood_add"),
    path("agencies/", views.AgencyListView.as_view(), name="agency_list"),
    path("agencies/add/", views.AgencyCreateView.as_view(), name="agency_add"),
    path("agencies/<int:pk>/", views.AgencyDetailView.as_view(), name="agency_detail"),
    path("agencies/<int:pk>/edit/", views.AgencyUpdateView.as_view(), name="agency_edit"),
    # Excel (helper "excel")
    path("agencies/export.xlsx", views_excel.AgencyExportView.as_view(), name="agency_export"),
    path("units/export.xlsx", views_excel.AdminUnitExportView.as_view(), name="adminunit_export"),
]

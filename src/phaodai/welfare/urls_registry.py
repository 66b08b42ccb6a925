"""URL patterns of the welfare app's registry part (in the "welfare" namespace)."""

from django.urls import path

from phaodai.welfare import views_registry as v

urlpatterns: list = [
    path("households/", v.HouseholdListView.as_view(), name="household_list"),
    path("households/export/", v.HouseholdExportView.as_view(), name="household_export"),
    path("households/add/", v.HouseholdAddView.as_view(), name="household_add"),
    path("households/<int:pk>/", v.HouseholdDetailView.as_view(), name="household_detail"),
    path("households/<int:pk>/edit/", v.HouseholdEditView.as_view(), name="household_edit"),
    path("households/<int:pk>/people/add/", v.PersonAddView.as_view(), name="person_add"),
    path("households/<int:pk>/categories/add/", v.CategoryAddView.as_view(), name="category_add"),
    path("people/<int:pk>/edit/", v.PersonEditView.as_view(), name="person_edit"),
]

"""URL patterns of the reporting app's difficulties part (in the "reporting" namespace)."""

from django.urls import path

from phaodai.reporting import views_difficulties as views

urlpatterns: list = [
    path("difficulties/", views.DifficultyListView.as_view(), name="difficulty_list"),
    path("difficulties/export/", views.DifficultyExportView.as_view(), name="difficulty_export"),
    path("difficulties/new/", views.DifficultyCreateView.as_view(), name="difficulty_add"),
    path("difficulties/ageing/", views.DifficultyAgeingView.as_view(), name="difficulty_ageing"),
    path("difficulties/<int:pk>/", views.DifficultyDetailView.as_view(), name="difficulty_detail"),
    path("difficulties/<int:pk>/act/", views.DifficultyActView.as_view(), name="difficulty_act"),
]

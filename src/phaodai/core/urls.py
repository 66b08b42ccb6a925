from django.urls import path

from phaodai.core import views

app_name = "core"

urlpatterns: list = [
    path("", views.HomeView.as_view(), name="home"),
    path("history/<str:model>/<int:pk>/", views.HistoryView.as_view(), name="history"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
]

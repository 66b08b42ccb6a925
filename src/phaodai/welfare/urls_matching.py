"""URL patterns of the welfare app's matching part (in the "welfare" namespace): the review of duplicates."""

from django.urls import path

from phaodai.welfare import views_matching as v

urlpatterns: list = [
    path("duplicates/", v.MatchQueueView.as_view(), name="match_queue"),
    path("duplicates/<int:pk>/", v.MatchDetailView.as_view(), name="match_detail"),
    path("duplicates/<int:pk>/decide/", v.MatchDecideView.as_view(), name="match_decide"),
    path("duplicates/run/list/", v.MatchRunView.as_view(target="list"), name="match_run_list"),
    path("duplicates/run/commune/", v.MatchRunView.as_view(target="commune"), name="match_run_commune"),
]

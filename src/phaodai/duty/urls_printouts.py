"""URL patterns of the duty app's printouts part (in the "duty" namespace): the roster as PDF and Excel, "my
shifts" and its iCalendar feed."""

from django.urls import path

from phaodai.duty import views_printouts as views

urlpatterns: list = [
    path("rosters/<int:pk>/roster.pdf", views.RosterPrintoutView.as_view(kind="pdf"), name="roster_pdf"),
    path("rosters/<int:pk>/roster.xlsx", views.RosterPrintoutView.as_view(kind="xlsx"), name="roster_xlsx"),
    path("my-shifts/", views.MyShiftsView.as_view(), name="my_shifts"),
    path("my-shifts/feed-link/", views.MyShiftsFeedResetView.as_view(), name="my_shifts_feed_reset"),
    path("feed/<str:token>.ics", views.MyShiftsFeedView.as_view(), name="my_shifts_feed"),
]

from django.urls import path

from phaodai.notifications import views

app_name = "notifications"

urlpatterns: list = [
    path("", views.MessageListView.as_view(), name="message_list"),
]

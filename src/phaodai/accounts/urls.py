from django.urls import path

from phaodai.accounts import views, views_excel

app_name = "accounts"

urlpatterns: list = [
    # Pages (helper "web")
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/add/", views.UserCreateView.as_view(), name="user_add"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", views.UserUpdateView.as_view(), name="user_edit"),
    path("users/<int:pk>/password/", views.UserPasswordView.as_view(), name="user_password"),
    # Excel (helper "excel")
    path("users/export.xlsx", views_excel.UserExportView.as_view(), name="user_export"),
]

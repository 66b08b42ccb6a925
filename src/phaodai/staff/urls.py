from django.urls import path

from phaodai.staff import views, views_excel

app_name = "staff"

urlpatterns: list = [
    # Pages (helper "web")
    path("", views.StaffMemberListView.as_view(), name="staffmember_list"),
    path("add/", views.StaffMemberCreateView.as_view(), name="staffmember_add"),
    path("<int:pk>/", views.StaffMemberDetailView.as_view(), name="staffmember_detail"),
    path("<int:pk>/edit/", views.StaffMemberUpdateView.as_view(), name="staffmember_edit"),
    # Excel (helper "excel")
    path("export.xlsx", views_excel.StaffExportView.as_view(), name="staffmember_export"),
    path("import/", views_excel.StaffImportView.as_view(), name="staffmember_import"),
    path("import/template.xlsx", views_excel.StaffImportTemplateView.as_view(), name="staffmember_import_template"),
]

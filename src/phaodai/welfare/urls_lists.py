"""URL patterns of the welfare app's lists part (in the "welfare" namespace)."""

from django.urls import path

from phaodai.welfare import views_lists as v

urlpatterns: list = [
    path("programmes/", v.ProgrammeListView.as_view(), name="programme_list"),
    path("programmes/add/", v.ProgrammeAddView.as_view(), name="programme_add"),
    path("programmes/<int:pk>/", v.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("programmes/<int:pk>/edit/", v.ProgrammeEditView.as_view(), name="programme_edit"),
    path("lists/", v.SupportListListView.as_view(), name="supportlist_list"),
    path("lists/export/", v.SupportListExportView.as_view(), name="supportlist_export"),
    path("lists/add/", v.SupportListAddView.as_view(), name="supportlist_add"),
    path("lists/<int:pk>/", v.SupportListDetailView.as_view(), name="supportlist_detail"),
    path("lists/<int:pk>/export/", v.SupportListEntriesExportView.as_view(), name="supportlist_entries_export"),
    path("lists/<int:pk>/entries/add/", v.EntryAddView.as_view(), name="supportlist_entry_add"),
    path("entries/<int:pk>/remove/", v.EntryRemoveView.as_view(), name="supportlist_entry_remove"),
    path("lists/<int:pk>/submit/", v.step_view("submit", "welfare.edit"), name="supportlist_submit"),
    path("lists/<int:pk>/check/", v.step_view("check", "welfare.check"), name="supportlist_check"),
    path("lists/<int:pk>/approve/", v.step_view("approve", "welfare.approve"), name="supportlist_approve"),
    path("lists/<int:pk>/reject/", v.step_view("reject", ""), name="supportlist_reject"),
    path("lists/<int:pk>/revise/", v.step_view("revise", "welfare.edit"), name="supportlist_revise"),
    path("distributions/", v.DistributionListView.as_view(), name="distribution_list"),
    path("entries/<int:pk>/distribute/", v.DistributionAddView.as_view(), name="distribution_add"),
    path("reports/missed/", v.MissedReportView.as_view(), name="report_missed"),
    path("reports/missed/export/", v.MissedExportView.as_view(), name="report_missed_export"),
    path("reports/duplicates/", v.DuplicatesReportView.as_view(), name="report_duplicates"),
    path("reports/duplicates/export/", v.DuplicatesExportView.as_view(), name="report_duplicates_export"),
]

from django.urls import path

from phaodai.mobilisation import views, views_excel

app_name = "mobilisation"

urlpatterns: list = [
    # Requests (đề xuất nhu cầu nhân lực)
    path("requests/", views.StaffingRequestListView.as_view(), name="staffingrequest_list"),
    path("requests/export.xlsx", views_excel.StaffingRequestExportView.as_view(), name="staffingrequest_export"),
    path("requests/add/", views.StaffingRequestCreateView.as_view(), name="staffingrequest_add"),
    path("requests/<int:pk>/", views.StaffingRequestDetailView.as_view(), name="staffingrequest_detail"),
    path("requests/<int:pk>/edit/", views.StaffingRequestUpdateView.as_view(), name="staffingrequest_edit"),
    path("requests/<int:pk>/submit/", views.StaffingRequestSubmitView.as_view(), name="staffingrequest_submit"),
    path("requests/<int:pk>/decide/", views.StaffingRequestDecideView.as_view(), name="staffingrequest_decide"),
    # The mobilisable pool per agency
    path("pool/", views.PoolView.as_view(), name="pool"),
    path("pool/export.xlsx", views_excel.PoolExportView.as_view(), name="pool_export"),
    # Decisions (quyết định điều động) and the people in them
    path("decisions/", views.MobilisationDecisionListView.as_view(), name="mobilisationdecision_list"),
    path(
        "decisions/export.xlsx",
        views_excel.MobilisationDecisionExportView.as_view(),
        name="mobilisationdecision_export",
    ),
    path("decisions/propose/", views.MobilisationDecisionProposeView.as_view(), name="mobilisationdecision_propose"),
    path("decisions/<int:pk>/", views.MobilisationDecisionDetailView.as_view(), name="mobilisationdecision_detail"),
    path(
        "decisions/<int:pk>/approve/",
        views.MobilisationDecisionApproveView.as_view(),
        name="mobilisationdecision_approve",
    ),
    path(
        "decisions/<int:pk>/decision.pdf",
        views.DecisionDocumentView.as_view(kind="pdf"),
        name="mobilisationdecision_pdf",
    ),
    path(
        "decisions/<int:pk>/list.xlsx",
        views.DecisionDocumentView.as_view(kind="xlsx"),
        name="mobilisationdecision_annex",
    ),
    path(
        "decisions/<int:pk>/cancel/", views.MobilisationDecisionCancelView.as_view(), name="mobilisationdecision_cancel"
    ),
    path("people/", views.AssignmentListView.as_view(), name="assignment_list"),
    path("people/export.xlsx", views_excel.AssignmentExportView.as_view(), name="assignment_export"),
    path("people/<int:pk>/swap/", views.AssignmentSwapView.as_view(), name="assignment_swap"),
    path("people/<int:pk>/substitute/", views.AssignmentSubstituteView.as_view(), name="assignment_substitute"),
    # Delegations (đoàn công tác) and teams (tổ công tác)
    path("delegations/", views.DelegationListView.as_view(), name="delegation_list"),
    path("delegations/export.xlsx", views_excel.DelegationExportView.as_view(), name="delegation_export"),
    path("delegations/add/", views.DelegationCreateView.as_view(), name="delegation_add"),
    path("delegations/<int:pk>/", views.DelegationDetailView.as_view(), name="delegation_detail"),
    path("delegations/<int:pk>/edit/", views.DelegationUpdateView.as_view(), name="delegation_edit"),
    path("delegations/<int:pk>/contacts/", views.DelegationContactsView.as_view(), name="delegation_contacts"),
    path("coordination-teams/add/", views.CoordinationTeamCreateView.as_view(), name="coordinationteam_add"),
    path("delegations/<int:pk>/teams/add/", views.TeamCreateView.as_view(), name="team_add"),
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/export.xlsx", views_excel.TeamExportView.as_view(), name="team_export"),
    path("teams/<int:pk>/", views.TeamDetailView.as_view(), name="team_detail"),
    path("teams/<int:pk>/edit/", views.TeamUpdateView.as_view(), name="team_edit"),
    path("teams/<int:pk>/leader/", views.TeamLeaderView.as_view(), name="team_leader"),
    path("teams/<int:pk>/members/add/", views.TeamMemberAddView.as_view(), name="team_member_add"),
    path("teams/<int:pk>/members/<int:staff_id>/move/", views.MembershipMoveView.as_view(), name="membership_move"),
    path("teams/<int:pk>/members/<int:staff_id>/end/", views.MembershipEndView.as_view(), name="membership_end"),
    # The mobilised person's own page
    path("me/", views.MyAssignmentView.as_view(), name="my_assignment"),
]

"""REST API for mobilisation: requests, the pool, decisions, the people in them, delegations and teams.

The pages' rules (see core/api.py): rows come from `visible_to(user)` (outside it: 404), reading needs
"mobilisation.view", and the filters are the pages' FilterSets. Writes go through the same service functions as the
pages (`services`), each needing its own permission (propose a request: mobilisation.request; decide, allocate,
swap, approve: mobilisation.decide or, for the Party bloc, mobilisation.party; substitute: mobilisation.substitute).
A service's ValidationError becomes a 400 with the same messages, its PermissionDenied a 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from phaodai.core.api import RolePermission, ScopedFilterBackend, ScopedRelatedField, audit_actor, drf_errors
from phaodai.mobilisation import delegations, services
from phaodai.mobilisation.filters import (
    AssignmentFilterSet,
    DelegationFilterSet,
    MobilisationDecisionFilterSet,
    PoolFilterSet,
    StaffingRequestFilterSet,
    TeamFilterSet,
)
from phaodai.mobilisation.models import (
    Assignment,
    CoordinationTeam,
    Delegation,
    DelegationKind,
    MobilisationDecision,
    RequestTarget,
    StaffingRequest,
    Task,
    Team,
    TeamMembership,
)
from phaodai.mobilisation.views import explanation_for, pool_rows
from phaodai.places.models import AdminUnit, Agency
from phaodai.staff.models import StaffMember

ALLOCATE = ("mobilisation.decide", "mobilisation.party")
ORGANISE = ("mobilisation.organise",)


class AnyRolePermission(permissions.BasePermission):
    """The caller's role grants at least one of `codes` (a write action's own permission)."""

    message = RolePermission.message

    def __init__(self, codes: tuple[str, ...]):
        self.codes = codes

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and any(user.has_role_perm(c) for c in self.codes))


class MobilisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Read with mobilisation.view; each write action names its own permission in `action_permissions`."""

    permission = "mobilisation"
    permission_classes = [RolePermission]
    filter_backends = [ScopedFilterBackend]
    action_permissions: dict[str, tuple[str, ...]] = {}

    def get_permissions(self):
        codes = self.action_permissions.get(getattr(self, "action", None) or "")
        return [AnyRolePermission(codes)] if codes else super().get_permissions()

    def call(self, service, *args, **kwargs) -> Any:
        """Run a service as the caller; its ValidationError is a 400 with the same messages."""
        try:
            with audit_actor(self.request):
                return service(*args, **kwargs)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(drf_errors(exc)) from exc


# --- requests ----------------------------------------------------------------------------------------------------


class RequestTargetSerializer(serializers.ModelSerializer):
    commune_name = serializers.CharField(source="commune.name", read_only=True)
    approved = serializers.IntegerField(read_only=True, help_text="People approved, or requested while undecided.")
    government_share = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Places Home Affairs fills from the government bloc."
    )

    class Meta:
        model = RequestTarget
        fields = [
            "id",
            "commune",
            "commune_name",
            "people_requested",
            "people_approved",
            "approved",
            "party_share",
            "government_share",
        ]
        read_only_fields = fields


class StaffingRequestSerializer(serializers.ModelSerializer):
    origin_unit_name = serializers.CharField(source="origin_unit.name", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    required_skills = serializers.SlugRelatedField(many=True, slug_field="code", read_only=True)
    preferred_skills = serializers.SlugRelatedField(many=True, slug_field="code", read_only=True)
    targets = RequestTargetSerializer(many=True, read_only=True)
    people_requested = serializers.IntegerField(read_only=True)
    people_approved = serializers.IntegerField(read_only=True)

    class Meta:
        model = StaffingRequest
        fields = [
            "id",
            "title",
            "task",
            "task_detail",
            "origin_unit",
            "origin_unit_name",
            "requested_by",
            "start_date",
            "end_date",
            "shift_pattern",
            "required_skills",
            "preferred_skills",
            "vaccinated_only",
            "status",
            "submitted_at",
            "decided_at",
            "rejection_reason",
            "targets",
            "people_requested",
            "people_approved",
            "bloc_pools",
        ]
        read_only_fields = fields


class TargetInputSerializer(serializers.Serializer):
    commune = serializers.IntegerField(required=False, help_text="The commune's id (or give `commune_code`).")
    commune_code = serializers.CharField(required=False, help_text='The commune\'s GSO code, e.g. "31135".')
    people = serializers.IntegerField(min_value=1)

    def validate(self, attrs: dict) -> dict:
        if ("commune" in attrs) == ("commune_code" in attrs):
            raise serializers.ValidationError(_("Give either the commune's id or its code."), code="commune")
        return attrs


class StaffingRequestInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    task = serializers.ChoiceField(choices=Task.choices)
    task_detail = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    shift_pattern = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    required_skills = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    preferred_skills = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    vaccinated_only = serializers.BooleanField(required=False, default=False)
    targets = TargetInputSerializer(many=True)
    submit = serializers.BooleanField(required=False, default=False, help_text="Submit to Home Affairs at once.")

    def targets_mapping(self) -> dict[Any, int]:
        """{commune id (int) or GSO code (str): people}, as `services.create_request` takes it."""
        return {row.get("commune", row.get("commune_code")): row["people"] for row in self.validated_data["targets"]}


class DecideInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    numbers = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        default=dict,
        help_text="Target id → people approved, for the communes whose number changes.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Needed to reject.")


def requests_queryset(user):
    targets = RequestTarget.objects.select_related("commune").order_by("commune__path")
    return (
        StaffingRequest.objects.visible_to(user)
        .select_related("origin_unit", "requested_by")
        .prefetch_related(Prefetch("targets", queryset=targets), "required_skills", "preferred_skills")
    )


class StaffingRequestViewSet(MobilisationViewSet):
    """Staffing requests (đề xuất nhu cầu nhân lực) made by or for the caller's jurisdiction.

    POST creates one (Health, districts: mobilisation.request); `submit` sends a draft to Home Affairs; `decide`
    approves (numbers per commune may be lowered) or rejects it with a reason (mobilisation.decide).
    """

    serializer_class = StaffingRequestSerializer
    filterset_class = StaffingRequestFilterSet
    action_permissions = {
        "create": ("mobilisation.request",),
        "submit": ("mobilisation.request",),
        "decide": ("mobilisation.decide",),
    }

    def get_queryset(self):
        return requests_queryset(self.request.user)

    def _answer(self, obj: StaffingRequest, code: int = status.HTTP_200_OK) -> Response:
        fresh = requests_queryset(self.request.user).get(pk=obj.pk)
        return Response(StaffingRequestSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=StaffingRequestInputSerializer, responses={201: StaffingRequestSerializer})
    def create(self, request, *args, **kwargs):
        data = StaffingRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k not in ("targets", "submit")}
        created = self.call(
            services.create_request,
            request.user,
            targets=data.targets_mapping(),
            submit=data.validated_data["submit"],
            **fields,
        )
        return self._answer(created, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=StaffingRequestSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._answer(self.call(services.submit_request, self.get_object(), request.user))

    @extend_schema(request=DecideInputSerializer, responses=StaffingRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        obj = self.get_object()
        data = DecideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        decided = self.call(
            services.decide_request, obj, request.user, v["approve"], numbers=v["numbers"], reason=v["reason"]
        )
        return self._answer(decided)


# --- the pool ----------------------------------------------------------------------------------------------------


class PoolRowSerializer(serializers.Serializer):
    agency = serializers.IntegerField(source="agency.pk")
    agency_name = serializers.CharField(source="agency.name")
    bloc = serializers.CharField(source="agency.bloc")
    start = serializers.DateField()
    end = serializers.DateField()
    headcount = serializers.IntegerField()
    min_in_office = serializers.IntegerField()
    total = serializers.IntegerField(help_text="Staff on record.")
    on_leave = serializers.IntegerField()
    isolated = serializers.IntegerField()
    mobilised = serializers.IntegerField(help_text="Already mobilised in an overlapping period.")
    available = serializers.IntegerField()
    kept = serializers.IntegerField(help_text="kept in the office: min(available, min_in_office)")
    mobilisable = serializers.IntegerField(help_text="available − kept")
    computation = serializers.CharField(help_text="The arithmetic, in the request's language.")


class PoolViewSet(MobilisationViewSet):
    """The mobilisable pool per agency for a period (`start`, `end`; default: the next 14 days), with the
    arithmetic. The agencies are those the caller sees, filtered like the agency list; `/pool/{agency id}/` is one."""

    serializer_class = PoolRowSerializer
    filterset_class = PoolFilterSet

    def get_queryset(self):
        return Agency.objects.visible_to(self.request.user).select_related("unit")

    def _rows(self, queryset) -> list:
        filterset = PoolFilterSet(self.request.query_params or None, queryset=queryset, user=self.request.user)
        if filterset.is_bound and not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        rows, summary = pool_rows(self.request.user, filterset, timezone.localdate())
        if summary["error"]:
            raise exceptions.ValidationError({"end": [summary["error"]]})
        return rows

    def list(self, request, *args, **kwargs):
        rows = self._rows(self.get_queryset())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(PoolRowSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        agency = self.get_object()
        [row] = self._rows(self.get_queryset().filter(pk=agency.pk))
        return Response(PoolRowSerializer(row).data)


# --- decisions and the people in them ----------------------------------------------------------------------------


class MobilisationDecisionSerializer(serializers.ModelSerializer):
    issuing_unit_name = serializers.CharField(source="issuing_unit.name", read_only=True)
    explanation = serializers.SerializerMethodField(
        help_text="The allocation's quota arithmetic per agency (those the caller sees) and the shortfalls."
    )

    class Meta:
        model = MobilisationDecision
        fields = [
            "id",
            "number",
            "status",
            "issuing_unit",
            "issuing_unit_name",
            "requests",
            "created_at",
            "approved_at",
            "signer_name",
            "signer_title",
            "explanation",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_explanation(self, decision: MobilisationDecision) -> dict:
        request = self.context.get("request")
        view = self.context.get("view")
        if request is None or getattr(view, "action", None) == "list":
            return {}
        return explanation_for(request.user, decision)


class ProposeInputSerializer(serializers.Serializer):
    requests = ScopedRelatedField(StaffingRequest, many=True, help_text="Ids of approved requests.")


class ApproveInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40, help_text="Number and symbol, e.g. 125/QĐ-UBND.")
    signer_name = serializers.CharField(max_length=120)
    signer_title = serializers.CharField(max_length=120)


class MobilisationDecisionViewSet(MobilisationViewSet):
    """Mobilisation decisions (quyết định điều động) the caller's jurisdiction issued or receives people from.

    `propose` runs the allocation on approved requests (a PROPOSED decision); `approve` signs it; `cancel` drops a
    proposal (mobilisation.decide, or mobilisation.party for the Party bloc).
    """

    serializer_class = MobilisationDecisionSerializer
    filterset_class = MobilisationDecisionFilterSet
    action_permissions = {"propose": ALLOCATE, "approve": ALLOCATE, "cancel": ALLOCATE}

    def get_queryset(self):
        return (
            MobilisationDecision.objects.visible_to(self.request.user)
            .select_related("issuing_unit")
            .prefetch_related("requests")
        )

    def _answer(self, decision: MobilisationDecision, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=decision.pk)
        return Response(MobilisationDecisionSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ProposeInputSerializer, responses={201: MobilisationDecisionSerializer})
    @action(detail=False, methods=["post"])
    def propose(self, request):
        data = ProposeInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        decision = self.call(services.propose_decision, data.validated_data["requests"], request.user)
        return self._answer(decision, status.HTTP_201_CREATED)

    @extend_schema(request=ApproveInputSerializer, responses=MobilisationDecisionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        decision = self.get_object()
        data = ApproveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        approved = self.call(
            services.approve_decision, decision, request.user, v["number"], v["signer_name"], v["signer_title"]
        )
        return self._answer(approved)

    @extend_schema(request=None, responses=MobilisationDecisionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._answer(self.call(services.cancel_decision, self.get_object(), request.user))


class AssignmentSerializer(serializers.ModelSerializer):
    decision_number = serializers.CharField(source="decision.number", read_only=True)
    request = serializers.IntegerField(source="target.request_id", read_only=True)
    commune = serializers.IntegerField(source="target.commune_id", read_only=True)
    commune_name = serializers.CharField(source="target.commune.name", read_only=True)
    staff_name = serializers.CharField(source="staff.full_name", read_only=True)
    staff_phone = serializers.CharField(source="staff.phone", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    why = serializers.ListField(
        child=serializers.CharField(),
        source="reasons",
        read_only=True,
        help_text="Why this person was chosen, in the language asked for (Accept-Language).",
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "decision",
            "decision_number",
            "request",
            "target",
            "commune",
            "commune_name",
            "staff",
            "staff_name",
            "staff_phone",
            "agency",
            "agency_name",
            "start_date",
            "end_date",
            "state",
            "why",
            "substitutes",
            "substitution_reason",
        ]
        read_only_fields = fields


class SwapInputSerializer(serializers.Serializer):
    staff = ScopedRelatedField(StaffMember, help_text="The civil servant who takes the place.")


class SubstituteInputSerializer(SwapInputSerializer):
    reason = serializers.CharField(max_length=300)


class AssignmentViewSet(MobilisationViewSet):
    """The people of the decisions, with why each was chosen. An agency head sees their own agency's people, a
    commune those sent to it. `swap` (Home Affairs) and `substitute` (the agency head, same agency, with a reason)
    change a proposed place."""

    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilterSet
    action_permissions = {"swap": ALLOCATE, "substitute": ("mobilisation.substitute",)}

    def get_queryset(self):
        return Assignment.objects.visible_to(self.request.user).select_related(
            "decision", "target__commune", "staff", "agency"
        )

    def _answer(self, assignment: Assignment, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=assignment.pk)
        return Response(AssignmentSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=SwapInputSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def swap(self, request, pk=None):
        assignment = self.get_object()
        data = SwapInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return self._answer(self.call(services.swap_person, assignment, data.validated_data["staff"], request.user))

    @extend_schema(request=SubstituteInputSerializer, responses={201: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def substitute(self, request, pk=None):
        assignment = self.get_object()
        data = SubstituteInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        new = self.call(services.substitute, assignment, v["staff"], request.user, v["reason"])
        return self._answer(new, status.HTTP_201_CREATED)


# --- delegations and teams ---------------------------------------------------------------------------------------


class DelegationSerializer(serializers.ModelSerializer):
    target_unit_name = serializers.CharField(source="target_unit.name", read_only=True)
    head_name = serializers.CharField(source="head.full_name", read_only=True)
    head_phone = serializers.CharField(source="head.phone", read_only=True)
    coordination_team_name = serializers.CharField(source="coordination_team.name", read_only=True)
    teams = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Delegation
        fields = [
            "id",
            "name",
            "kind",
            "decision",
            "target_unit",
            "target_unit_name",
            "overseen_units",
            "head",
            "head_name",
            "head_phone",
            "deputies",
            "coordination_team",
            "coordination_team_name",
            "start_date",
            "end_date",
            "headquarters_address",
            "hotline",
            "teams",
        ]
        read_only_fields = fields


class DelegationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    # Checked by the service ("work" or "leadership"); a plain string keeps the schema's "kind" enum unambiguous.
    kind = serializers.CharField(default=DelegationKind.WORK, help_text='"work" or "leadership".')
    decision = ScopedRelatedField(MobilisationDecision, required=False, allow_null=True, default=None)
    target_unit = ScopedRelatedField(AdminUnit, help_text="The district or commune the delegation is sent to.")
    overseen_units = ScopedRelatedField(AdminUnit, many=True, required=False, default=list)
    coordination_team = ScopedRelatedField(CoordinationTeam)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    head = ScopedRelatedField(StaffMember)
    deputies = ScopedRelatedField(StaffMember, many=True, required=False, default=list)
    headquarters_address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    hotline = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class DelegationViewSet(MobilisationViewSet):
    """Work and leadership delegations (đoàn công tác) sent into the caller's jurisdiction. POST forms one
    (Health: mobilisation.organise) with the same rules as the page."""

    serializer_class = DelegationSerializer
    filterset_class = DelegationFilterSet
    action_permissions = {"create": ("mobilisation.organise",)}

    def get_queryset(self):
        return (
            Delegation.objects.visible_to(self.request.user)
            .select_related("target_unit", "head", "coordination_team")
            .prefetch_related("overseen_units", "deputies", "teams")
        )

    @extend_schema(request=DelegationInputSerializer, responses={201: DelegationSerializer})
    def create(self, request, *args, **kwargs):
        data = DelegationInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        delegation = self.call(delegations.create_delegation, request.user, **data.validated_data)
        fresh = self.get_queryset().get(pk=delegation.pk)
        return Response(DelegationSerializer(fresh).data, status=status.HTTP_201_CREATED)


class MembershipSerializer(serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.full_name", read_only=True)
    moved_to_team = serializers.IntegerField(source="moved_to.team_id", read_only=True, default=None)

    class Meta:
        model = TeamMembership
        fields = ["staff", "staff_name", "joined_on", "left_on", "moved_to_team"]
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer):
    delegation_name = serializers.CharField(source="delegation.name", read_only=True)
    leader_name = serializers.CharField(source="leader.full_name", read_only=True)
    leader_phone = serializers.CharField(source="leader.phone", read_only=True)
    memberships = MembershipSerializer(
        many=True, read_only=True, help_text="Everyone who has been in the team; `left_on` null: a member now."
    )

    class Meta:
        model = Team
        fields = ["id", "delegation", "delegation_name", "name", "task", "leader", "leader_name", "leader_phone"]
        fields += ["memberships"]
        read_only_fields = fields


class TeamInputSerializer(serializers.Serializer):
    delegation = ScopedRelatedField(Delegation)
    name = serializers.CharField(max_length=120)
    task = serializers.ChoiceField(choices=Task.choices)
    leader = ScopedRelatedField(StaffMember)


class MemberInputSerializer(serializers.Serializer):
    staff = ScopedRelatedField(StaffMember)
    day = serializers.DateField(help_text="The first day in this team.")


class TeamViewSet(MobilisationViewSet):
    """Teams (tổ công tác) of the delegations, with their members and the history of moves.

    POST adds a team to a delegation; `members` puts a person into the team; `move-here` moves a person from their
    current team into this one (the old membership ends that day and stays in the history). mobilisation.organise.
    """

    serializer_class = TeamSerializer
    filterset_class = TeamFilterSet
    action_permissions = {"create": ORGANISE, "members": ORGANISE, "move_here": ORGANISE}

    def get_queryset(self):
        memberships = TeamMembership.objects.select_related("staff", "moved_to").order_by("joined_on", "pk")
        return (
            Team.objects.visible_to(self.request.user)
            .select_related("delegation", "leader")
            .prefetch_related(Prefetch("memberships", queryset=memberships))
        )

    def _answer(self, team: Team, code: int = status.HTTP_200_OK) -> Response:
        return Response(TeamSerializer(self.get_queryset().get(pk=team.pk)).data, status=code)

    @extend_schema(request=TeamInputSerializer, responses={201: TeamSerializer})
    def create(self, request, *args, **kwargs):
        data = TeamInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        team = self.call(delegations.add_team, v.pop("delegation"), request.user, **v)
        return self._answer(team, status.HTTP_201_CREATED)

    @extend_schema(request=MemberInputSerializer, responses={201: TeamSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        team = self.get_object()
        data = MemberInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        self.call(delegations.add_member, team, v["staff"], request.user, v["day"])
        return self._answer(team, status.HTTP_201_CREATED)

    @extend_schema(request=MemberInputSerializer, responses=TeamSerializer)
    @action(detail=True, methods=["post"], url_path="move-here")
    def move_here(self, request, pk=None):
        team = self.get_object()
        data = MemberInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        self.call(delegations.move_member, v["staff"], team, request.user, v["day"])
        return self._answer(team)

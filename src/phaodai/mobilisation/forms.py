"""Mobilisation forms. They only collect and tidy input; the rules are the services' (`services`, `delegations`).

Choice lists offer only what the user may see (`visible_to`). People are picked either from a short list (the
people of one decision, the members of one delegation) or, where anyone may be meant (a delegation head), by
citizen ID or phone: a select of 5,000 names is no use on a phone.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phaodai.core.forms import group_by_district
from phaodai.core.views import unit_option_label
from phaodai.mobilisation.delegations import delegation_assignments
from phaodai.mobilisation.models import (
    Assignment,
    AssignmentState,
    CoordinationTeam,
    DecisionStatus,
    Delegation,
    DelegationKind,
    MobilisationDecision,
    RequestStatus,
    StaffingRequest,
    Task,
    Team,
    TeamMembership,
)
from phaodai.places.forms import units_in_own_jurisdiction
from phaodai.places.models import AdminUnit, Level
from phaodai.staff.forms import DayMonthYearField, skill_label
from phaodai.staff.identity import normalise_citizen_id, normalise_phone
from phaodai.staff.models import Skill, StaffMember, StaffStatus


def date_field(label, **kwargs) -> DayMonthYearField:
    return DayMonthYearField(
        label=label,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        **kwargs,
    )


def person_label(person: StaffMember) -> str:
    return f"{person.full_name} · {person.agency.name}"


def find_person(text: str, user) -> StaffMember:
    """A civil servant the user may see, by citizen ID or phone (the numbers people carry in their heads)."""
    text = (text or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    visible = StaffMember.objects.visible_to(user).select_related("agency")
    found: list[StaffMember] = []
    if len(digits) in (9, 12) or 9 < len(digits) < 12:
        found = list(visible.filter(citizen_id=normalise_citizen_id(digits))[:2])
    if not found and digits:
        try:
            phone = normalise_phone(text)
        except ValidationError:
            phone = ""
        if phone:
            found = list(visible.filter(phone=phone)[:2])
            if len(found) > 1:
                raise ValidationError(
                    _("Several people share the phone %(phone)s: type the citizen ID instead."),
                    code="phone_shared",
                    params={"phone": phone},
                )
    if not found:
        raise ValidationError(
            _("Nobody you can see has the citizen ID or phone “%(value)s”."),
            code="person_not_found",
            params={"value": text},
        )
    return found[0]


class PersonField(forms.CharField):
    """One civil servant, typed as citizen ID or phone; cleaned into the StaffMember (set `user` before use)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", _("Citizen ID (12 digits) or phone number."))
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)
        self.user = None

    def clean(self, value: Any) -> StaffMember | None:
        text = super().clean(value)
        if not text:
            return None
        return find_person(text, self.user)


class PeopleField(forms.CharField):
    """Several civil servants, one citizen ID or phone per line (or separated by commas)."""

    widget = forms.Textarea(attrs={"rows": 3, "inputmode": "numeric"})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("One citizen ID or phone number per line."))
        super().__init__(*args, **kwargs)
        self.user = None

    def clean(self, value: Any) -> list[StaffMember]:
        text = super().clean(value) or ""
        people, errors = [], []
        for part in [p.strip() for p in text.replace(",", "\n").replace(";", "\n").splitlines()]:
            if not part:
                continue
            try:
                people.append(find_person(part, self.user))
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)
        return people


class UserFormMixin:
    """Forms that need the acting user: their choice lists are narrowed to what the user may see."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, PersonField | PeopleField):
                field.user = user


# --- delegations and teams ---------------------------------------------------------------------------------------


def delegation_units(user) -> QuerySet[AdminUnit]:
    return (
        AdminUnit.objects.visible_to(user)
        .filter(units_in_own_jurisdiction(user), level__in=[Level.DISTRICT, Level.COMMUNE])
        .order_by("path")
    )


class DelegationForm(UserFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("e.g. Work delegation No. 3 – Phường Tân An"))
    kind = forms.ChoiceField(label=_("Kind"), choices=DelegationKind.choices, initial=DelegationKind.WORK)
    decision = forms.ModelChoiceField(
        label=_("Mobilisation decision"),
        queryset=MobilisationDecision.objects.none(),
        required=False,
        help_text=_("A work delegation is formed from the people of an approved decision."),
    )
    target_unit = forms.ModelChoiceField(label=_("Sent to"), queryset=AdminUnit.objects.none())
    overseen_units = forms.ModelMultipleChoiceField(
        label=_("Communes overseen"),
        queryset=AdminUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Leadership delegations only."),
    )
    coordination_team = forms.ModelChoiceField(label=_("Reports to"), queryset=CoordinationTeam.objects.none())
    start_date = date_field(_("From"), required=False, help_text=_("Blank: the decision's dates."))
    end_date = date_field(_("To"), required=False, help_text=_("Blank: the decision's dates."))
    head = PersonField(label=_("Head"))
    deputies = PeopleField(label=_("Deputies"), required=False)
    headquarters_address = forms.CharField(label=_("Commune headquarters address"), max_length=300, required=False)
    hotline = forms.CharField(
        label=_("Commune hotline"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        self.fields["decision"].queryset = MobilisationDecision.objects.visible_to(user).filter(
            status=DecisionStatus.APPROVED
        )
        units = delegation_units(user)
        self.fields["target_unit"].queryset = units
        self.fields["target_unit"].label_from_instance = unit_option_label
        communes = units.filter(level=Level.COMMUNE)
        self.fields["overseen_units"].queryset = communes
        # Dozens of wards for a city: one group per district, as in the other long lists.
        group_by_district(self.fields["overseen_units"], communes, lambda u: u.path, lambda u: u.name)
        self.fields["coordination_team"].queryset = CoordinationTeam.objects.visible_to(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A delegation usually serves for its decision's period: blank dates are the decision's.
        decision = data.get("decision")
        period = decision_period(decision) if decision is not None else None
        for name, index in (("start_date", 0), ("end_date", 1)):
            if data.get(name) is None and name not in self.errors:
                if period is None:
                    self.add_error(name, _("Give the date, or choose the decision to take its dates."))
                else:
                    data[name] = period[index]
        return data


def decision_period(decision: MobilisationDecision) -> tuple[Any, Any] | None:
    """From the first day to the last of a decision's people (else of its requests); None if it has neither."""
    rows = decision.assignments.exclude(state=AssignmentState.WITHDRAWN).aggregate(
        start=Min("start_date"), end=Max("end_date")
    )
    if rows["start"] is None:
        rows = decision.requests.aggregate(start=Min("start_date"), end=Max("end_date"))
    if rows["start"] is None:
        return None
    return rows["start"], rows["end"]


class CoordinationTeamForm(UserFormMixin, forms.Form):
    """The workforce coordination team (Tổ Điều phối nguồn nhân lực) of a city or district."""

    name = forms.CharField(label=_("Name"), max_length=200, initial=_("Workforce coordination team"))
    unit = forms.ModelChoiceField(label=_("Level"), queryset=AdminUnit.objects.none())
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = (
            AdminUnit.objects.visible_to(self.user)
            .filter(units_in_own_jurisdiction(self.user), level__lte=Level.DISTRICT)
            .order_by("path")
        )
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = unit_option_label
        if not self.is_bound and units:
            self.initial.setdefault("unit", units[0].pk)


class TeamForm(UserFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("e.g. Team 1 – sample taking"))
    task = forms.ChoiceField(label=_("Task"), choices=Task.choices)
    leader = forms.ModelChoiceField(label=_("Team leader"), queryset=StaffMember.objects.none())

    def __init__(self, *args, delegation: Delegation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = candidates(delegation, self.user)
        self.fields["leader"].label_from_instance = person_label
        if not self.is_bound and delegation.decision_id is not None:
            # The team usually does what the people were requested for.
            request = delegation.decision.requests.order_by("start_date", "pk").first()
            if request is not None:
                self.initial.setdefault("task", request.task)


def candidates(delegation: Delegation, user, on=None) -> QuerySet[StaffMember]:
    """People who may join a team of the delegation: mobilised for its area by its decision (or another for the
    same request), in no team now.

    A delegation without a decision (leadership) has no such list: any civil servant the user sees.
    """
    visible = StaffMember.objects.visible_to(user).select_related("agency")
    in_a_team = TeamMembership.objects.filter(left_on__isnull=True).values("staff_id")
    if delegation.decision_id is None:
        return visible.exclude(pk__in=in_a_team)
    mobilised = delegation_assignments(delegation)
    if on is not None:
        mobilised = mobilised.filter(start_date__lte=on, end_date__gte=on)
    return visible.filter(pk__in=mobilised.values("staff_id")).exclude(pk__in=in_a_team)


class TeamMembersForm(UserFormMixin, forms.Form):
    """Tick the people to put into the team (several at once: forming a team is one sitting)."""

    people = forms.ModelMultipleChoiceField(
        label=_("People"), queryset=StaffMember.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    day = date_field(_("From"))

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = candidates(team.delegation, self.user)
        self.fields["people"].label_from_instance = person_label
        if not self.is_bound:
            self.initial.setdefault("day", max(team.delegation.start_date, timezone.localdate()))


class MoveMemberForm(UserFormMixin, forms.Form):
    to_team = forms.ModelChoiceField(label=_("To the team"), queryset=Team.objects.none())
    day = date_field(_("From"))

    def __init__(self, *args, membership: TeamMembership, **kwargs):
        super().__init__(*args, **kwargs)
        delegation = membership.team.delegation
        # The other teams of the same delegation first; a move to another delegation's team is rarer.
        teams = (
            Team.objects.visible_to(self.user)
            .exclude(pk=membership.team_id)
            .filter(Q(delegation=delegation) | Q(delegation__target_unit__path__startswith=delegation.target_unit.path))
            .select_related("delegation")
            .order_by("delegation__name", "name")
        )
        self.fields["to_team"].queryset = teams
        self.fields["to_team"].label_from_instance = lambda t: f"{t.name} · {t.delegation.name}"
        if not self.is_bound:
            self.initial.setdefault("day", max(membership.joined_on, timezone.localdate()))


class DelegationEditForm(UserFormMixin, forms.Form):
    """Correct a delegation after it is formed: what it is (kind, decision, area, head) stays."""

    name = forms.CharField(label=_("Name"), max_length=200)
    headquarters_address = forms.CharField(label=_("Commune headquarters address"), max_length=300, required=False)
    hotline = forms.CharField(
        label=_("Commune hotline"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    start_date = date_field(_("From"))
    end_date = date_field(_("To"))
    coordination_team = forms.ModelChoiceField(label=_("Reports to"), queryset=CoordinationTeam.objects.none())
    deputies = PeopleField(label=_("Deputies"), required=False)

    def __init__(self, *args, delegation: Delegation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordination_team"].queryset = CoordinationTeam.objects.visible_to(self.user)
        if not self.is_bound:
            self.initial.update(
                name=delegation.name,
                headquarters_address=delegation.headquarters_address,
                hotline=delegation.hotline,
                start_date=delegation.start_date,
                end_date=delegation.end_date,
                coordination_team=delegation.coordination_team_id,
                # The deputies as typed on the form: one citizen ID per line.
                deputies="\n".join(p.citizen_id for p in delegation.deputies.order_by("search_name", "pk")),
            )


class DelegationContactsForm(UserFormMixin, forms.Form):
    """What a commune official corrects: the address and hotline the delegation's people are given."""

    headquarters_address = forms.CharField(label=_("Commune headquarters address"), max_length=300, required=False)
    hotline = forms.CharField(
        label=_("Commune hotline"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )

    def __init__(self, *args, delegation: Delegation, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(headquarters_address=delegation.headquarters_address, hotline=delegation.hotline)


class TeamEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    task = forms.ChoiceField(label=_("Task"), choices=Task.choices)

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(name=team.name, task=team.task)


class ChangeLeaderForm(forms.Form):
    """The new leader is one of the team's members now (someone else is first added or moved to the team)."""

    leader = forms.ModelChoiceField(label=_("New team leader"), queryset=StaffMember.objects.none())

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        members = TeamMembership.objects.filter(team=team, left_on__isnull=True).values("staff_id")
        self.fields["leader"].queryset = (
            StaffMember.objects.filter(pk__in=members)
            .exclude(pk=team.leader_id)
            .select_related("agency")
            .order_by("search_name", "pk")
        )
        self.fields["leader"].label_from_instance = person_label


# --- requests ----------------------------------------------------------------------------------------------------


def request_communes(user) -> QuerySet[AdminUnit]:
    """Communes a proposer may ask people for: those of their own jurisdiction."""
    return (
        AdminUnit.objects.visible_to(user).filter(units_in_own_jurisdiction(user), level=Level.COMMUNE).order_by("path")
    )


class StaffingRequestForm(UserFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("e.g. Sample-taking support, wave 3"))
    task = forms.ChoiceField(label=_("Task"), choices=Task.choices)
    task_detail = forms.CharField(label=_("Task details"), max_length=300, required=False)
    start_date = date_field(_("From"))
    end_date = date_field(_("To"))
    shift_pattern = forms.CharField(
        label=_("Shift pattern"),
        max_length=120,
        required=False,
        help_text=_("e.g. two shifts, 07:00-15:00 and 15:00-23:00"),
    )
    required_skills = forms.ModelMultipleChoiceField(
        label=_("Required skills"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only people with every one of these skills are chosen."),
    )
    preferred_skills = forms.ModelMultipleChoiceField(
        label=_("Preferred skills"), queryset=Skill.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    vaccinated_only = forms.BooleanField(label=_("Fully vaccinated staff only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("required_skills", "preferred_skills"):
            self.fields[name].label_from_instance = skill_label


class TargetForm(forms.Form):
    """One commune and how many people it needs (one row of the request)."""

    commune = forms.ModelChoiceField(label=_("Commune"), queryset=AdminUnit.objects.none(), required=False)
    people = forms.IntegerField(
        label=_("People"), min_value=1, required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )

    def __init__(self, *args, communes: QuerySet[AdminUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        commune, people = data.get("commune"), data.get("people")
        if commune is not None and people is None and "people" not in self.errors:
            self.add_error("people", _("How many people does %(commune)s need?") % {"commune": commune.name})
        if commune is None and people is not None:
            self.add_error("commune", _("Choose the commune."))
        return data


class BaseTargetFormSet(forms.BaseFormSet):
    def __init__(self, *args, communes: QuerySet[AdminUnit], **kwargs):
        self.communes = communes
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "communes": self.communes}

    @property
    def empty_form(self):  # pragma: no cover - no JavaScript adds rows; kept for Django's API
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), communes=self.communes)
        self.add_fields(form, None)
        return form

    def clean(self) -> None:
        seen: set[int] = set()
        for form in self.forms:
            commune = form.cleaned_data.get("commune") if hasattr(form, "cleaned_data") else None
            if commune is None:
                continue
            if commune.pk in seen:
                form.add_error("commune", _("%(commune)s is named twice.") % {"commune": commune.name})
            seen.add(commune.pk)

    def targets(self) -> dict[AdminUnit, int]:
        return {
            f.cleaned_data["commune"]: f.cleaned_data["people"]
            for f in self.forms
            if f.cleaned_data.get("commune") is not None and f.cleaned_data.get("people") is not None
        }


TargetFormSet = forms.formset_factory(TargetForm, formset=BaseTargetFormSet, extra=0, max_num=500)

#: Empty commune rows offered on a new request (and added by "More communes").
EMPTY_TARGET_ROWS = 5


def target_formset(user, data=None, initial: list[dict[str, Any]] | None = None, more: int = 0) -> BaseTargetFormSet:
    initial = list(initial or [])
    communes = request_communes(user)
    if data is not None and more:
        # "More communes" was pressed: re-show what was typed with extra empty rows.
        data = data.copy()
        total = int(data.get("targets-TOTAL_FORMS") or 0)
        data["targets-TOTAL_FORMS"] = str(total + more)
    formset = TargetFormSet(data, initial=initial or None, prefix="targets", communes=communes)
    if data is None:
        formset.extra = EMPTY_TARGET_ROWS if not initial else 2
    # The communes are read once for every row; a city-level proposer chooses among dozens of wards, so they come in
    # one group per district (validation is unchanged).
    probe = forms.ModelChoiceField(queryset=communes, empty_label=_("Choose a commune"))
    options = list(communes)
    probe.choices = [("", probe.empty_label)] + [(c.pk, c.name) for c in options]
    group_by_district(probe, options, lambda u: u.path, lambda u: u.name)
    choices = list(probe.choices)
    for form in formset.forms:
        form.fields["commune"].empty_label = probe.empty_label
        form.fields["commune"].choices = choices
    return formset


class DecideRequestForm(forms.Form):
    """Home Affairs approves a request (possibly with other numbers per commune) or rejects it with a reason."""

    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for rejection"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to reject; the proposer reads it."),
    )

    def __init__(self, *args, staffing_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(staffing_request.targets.select_related("commune").order_by("commune__path"))
        for target in self.targets:
            self.fields[f"target_{target.pk}"] = forms.IntegerField(
                label=_("%(commune)s (requested: %(n)d)")
                % {"commune": target.commune.name, "n": target.people_requested},
                min_value=0,
                max_value=target.people_requested,
                initial=target.people_requested,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for rejecting the request."))
        return data

    def numbers(self) -> dict[int, int]:
        """Approved people per target id, for the communes whose number changed."""
        numbers = {}
        for target in self.targets:
            value = self.cleaned_data.get(f"target_{target.pk}")
            if value is not None and value != target.people_requested:
                numbers[target.pk] = value
        return numbers


# --- decisions ---------------------------------------------------------------------------------------------------


def requests_to_allocate(user) -> QuerySet[StaffingRequest]:
    """Approved requests the user sees that no live decision has taken yet."""
    taken = MobilisationDecision.objects.filter(status__in=[DecisionStatus.PROPOSED, DecisionStatus.APPROVED]).values(
        "requests"
    )
    return (
        StaffingRequest.objects.visible_to(user)
        .filter(status=RequestStatus.APPROVED, end_date__gte=timezone.localdate())
        .exclude(pk__in=taken)
        .order_by("start_date", "pk")
    )


class ProposeDecisionForm(UserFormMixin, forms.Form):
    requests = forms.ModelMultipleChoiceField(
        label=_("Approved requests"),
        queryset=StaffingRequest.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The people for all the ticked requests are chosen together, so nobody is chosen twice."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["requests"]
        field.queryset = requests_to_allocate(self.user)
        field.label_from_instance = lambda r: (
            _("%(title)s · %(start)s–%(end)s")
            % {
                "title": r.title,
                "start": r.start_date.strftime("%d/%m/%Y"),
                "end": r.end_date.strftime("%d/%m/%Y"),
            }
        )


class ApproveDecisionForm(forms.Form):
    number = forms.CharField(label=_("Number and symbol"), max_length=40, help_text=_("e.g. 125/QĐ-UBND"))
    signer_name = forms.CharField(label=_("Signed by"), max_length=120)
    signer_title = forms.CharField(
        label=_("Signer's title"), max_length=120, help_text=_("e.g. KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")
    )


def same_agency_candidates(assignment: Assignment, user) -> QuerySet[StaffMember]:
    """People of the assignment's agency who could take its place (a swap or a substitution).

    The database narrows to the available people not yet in the decision; then each is put through the service's
    own newcomer check (`services.newcomer_problems`: skills, vaccination, another mobilisation in the period...),
    so the list never offers someone the service would refuse.
    """
    from phaodai.mobilisation.services import newcomer_problems

    in_decision = Assignment.objects.filter(decision_id=assignment.decision_id).values("staff_id")
    people = (
        StaffMember.objects.visible_to(user)
        .filter(agency_id=assignment.agency_id, status=StaffStatus.AVAILABLE)
        .exclude(pk__in=in_decision)
        .select_related("agency")
        .order_by("search_name", "pk")
    )
    eligible = [p.pk for p in people if not newcomer_problems(assignment, p, user)]
    return people.filter(pk__in=eligible)


def colleague_label(person: StaffMember) -> str:
    return person.full_name + (f" · {person.position}" if person.position else "")


class SwapForm(UserFormMixin, forms.Form):
    """Home Affairs puts someone else in a proposed place: a colleague from the list, or anyone by ID or phone."""

    same_agency = forms.ModelChoiceField(
        label=_("A colleague from the same agency"), queryset=StaffMember.objects.none(), required=False
    )
    other = PersonField(
        label=_("Or someone else"),
        required=False,
        help_text=_("Citizen ID (12 digits) or phone number of a person from another agency."),
    )

    def __init__(self, *args, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["same_agency"].queryset = same_agency_candidates(assignment, self.user)
        self.fields["same_agency"].label_from_instance = lambda p: (
            p.full_name + (f" · {p.position}" if p.position else "")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = [p for p in (data.get("same_agency"), data.get("other")) if p is not None]
        if not chosen and not self.errors:
            raise ValidationError(_("Choose a colleague or type someone's citizen ID or phone."), code="nobody")
        if len(chosen) == 2 and chosen[0].pk != chosen[1].pk:
            raise ValidationError(_("Choose one person only."), code="two_people")
        data["person"] = chosen[0] if chosen else None
        return data


class SubstituteForm(UserFormMixin, forms.Form):
    """The agency head puts another of their own people in a proposed place, with the reason."""

    person = forms.ModelChoiceField(label=_("Instead, send"), queryset=StaffMember.objects.none())
    reason = forms.CharField(
        label=_("Reason"), max_length=300, help_text=_("e.g. needed for the agency's own duty roster that week")
    )

    def __init__(self, *args, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = same_agency_candidates(assignment, self.user)
        self.fields["person"].label_from_instance = colleague_label

"""Citizen calls and help requests (issue #6, item 8): record a call in 30 seconds, route it, follow it to the end.

A call (`record_call`) either JOINS the open help request of the same caller about the same need (same phone, same
category, same commune, opened within JOIN_WINDOW) — a CALLED_AGAIN step, no duplicate — or opens a new help
request routed by ROUTING (the commune's health station for medical matters, the neighbourhood's community COVID
team for food and the rest; with neither, the commune headquarters, and the routing note says so). The request must
be acknowledged within ACKNOWLEDGE_WITHIN (by category); duty.escalation escalates it when it is not. The people who
must act (help.act users of the commune, the neighbourhood or the routed site's agency) are told through the outbox.

Then: acknowledge, start, close (an outcome is required), reopen (a reason is required), reroute (to another team
or site of the same commune, with a reason) and comment — each a HelpRequestStep written in the same transaction,
with the actor recorded by auditlog (acting_as). Errands ("đi chợ giúp dân") for food requests: to buy → delivered
→ paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from phaodai.accounts.roles import PERMISSIONS
from phaodai.core.audit import acting_as
from phaodai.duty.models import (
    Call,
    CommunityTeam,
    DutySite,
    Errand,
    ErrandStatus,
    HelpCategory,
    HelpRequest,
    HelpRequestStep,
    HelpStatus,
    HelpStepKind,
    Hotline,
    SiteKind,
)
from phaodai.places.models import AdminUnit, Household, Level
from phaodai.staff.identity import normalise_phone

TAKE, VIEW, ACT = "calls.take", "help.view", "help.act"

#: A repeated call joins the open request of the same phone, category and commune opened within this window.
JOIN_WINDOW = timedelta(hours=72)

HEALTH_STATION, COMMUNITY_TEAM = "health_station", "community_team"

#: Routing table: category → (who must act, whether the commune's own users are told as well).
#:   medical emergency, testing, vaccination → the commune's health station;
#:   new arrival or suspected case         → the health station, and the commune is told too (it registers them);
#:   food and necessities, other           → the community COVID team of the neighbourhood.
#: With no health station (or no team, or no neighbourhood given) the request goes to the commune headquarters
#: (its command centre), and the routing note says so.
ROUTING: dict[str, tuple[str, bool]] = {
    HelpCategory.MEDICAL_EMERGENCY: (HEALTH_STATION, False),
    HelpCategory.TESTING: (HEALTH_STATION, False),
    HelpCategory.VACCINATION: (HEALTH_STATION, False),
    HelpCategory.NEW_ARRIVAL: (HEALTH_STATION, True),
    HelpCategory.FOOD: (COMMUNITY_TEAM, False),
    HelpCategory.OTHER: (COMMUNITY_TEAM, False),
}

#: Acknowledgement deadline by category, from the first call (and again after each escalation or reroute).
ACKNOWLEDGE_WITHIN: dict[str, timedelta] = {
    HelpCategory.MEDICAL_EMERGENCY: timedelta(minutes=15),
    HelpCategory.NEW_ARRIVAL: timedelta(hours=1),
    HelpCategory.FOOD: timedelta(hours=2),
    HelpCategory.TESTING: timedelta(hours=4),
    HelpCategory.VACCINATION: timedelta(hours=4),
    HelpCategory.OTHER: timedelta(hours=24),
}

#: Statuses in which someone still has to act.
OPEN = (HelpStatus.NEW, HelpStatus.ACKNOWLEDGED, HelpStatus.IN_PROGRESS)


# --------------------------------------------------------------------------------------------------------------
# Rules


@dataclass
class Routing:
    team: CommunityTeam | None
    site: DutySite | None
    notify_commune: bool
    note: str  # "" when routed as the table says; otherwise why it went elsewhere


def acknowledge_deadline(category: str, start: datetime) -> datetime:
    return start + ACKNOWLEDGE_WITHIN[category]


def in_scope(user: Any, unit: AdminUnit) -> bool:
    if user.sees_everything:
        return True
    return user.scope_unit_id is not None and unit.path.startswith(user.scope_unit.path)


def _headquarters(commune: AdminUnit) -> DutySite | None:
    return DutySite.objects.filter(unit=commune, kind=SiteKind.COMMAND_CENTRE, is_active=True).order_by("pk").first()


def route(category: str, commune: AdminUnit, neighbourhood: AdminUnit | None) -> Routing:
    """Who must act on a new request, by the ROUTING table."""
    target, notify_commune = ROUTING[category]
    if target == HEALTH_STATION:
        station = (
            DutySite.objects.filter(unit=commune, kind=SiteKind.HEALTH_STATION, is_active=True).order_by("pk").first()
        )
        if station is not None:
            return Routing(None, station, notify_commune, "")
        note = _("%(commune)s has no health station registered: routed to the commune headquarters.") % {
            "commune": commune.name
        }
        return Routing(None, _headquarters(commune), True, note)
    team = None
    if neighbourhood is not None:
        team = CommunityTeam.objects.filter(neighbourhood=neighbourhood).order_by("pk").first()
    if team is not None:
        return Routing(team, None, notify_commune, "")
    if neighbourhood is None:
        note = _("No neighbourhood given: routed to the commune headquarters.")
    else:
        note = _("%(neighbourhood)s has no community COVID team: routed to the commune headquarters.") % {
            "neighbourhood": neighbourhood.name
        }
    return Routing(None, _headquarters(commune), True, note)


def may_act(user: Any, hr: HelpRequest) -> bool:
    return bool(user.has_role_perm(ACT) and in_scope(user, hr.commune))


def may_comment(user: Any, hr: HelpRequest) -> bool:
    return bool((user.has_role_perm(ACT) or user.has_role_perm(TAKE)) and in_scope(user, hr.commune))


def allowed_actions(user: Any, hr: HelpRequest) -> list[str]:
    """The actions the page and the API offer this user on this request now, in order."""
    actions: list[str] = []
    if may_act(user, hr):
        if hr.status == HelpStatus.NEW:
            actions.append("acknowledge")
        if hr.status in (HelpStatus.NEW, HelpStatus.ACKNOWLEDGED):
            actions.append("start")
        if hr.status in OPEN:
            actions += ["close", "reroute"]
        if hr.status == HelpStatus.CLOSED:
            actions.append("reopen")
    if may_comment(user, hr):
        actions.append("comment")
    return actions


def is_overdue(hr: HelpRequest, now: datetime | None = None) -> bool:
    return hr.status == HelpStatus.NEW and hr.acknowledge_by < (now or timezone.now())


def overdue_q(now: datetime | None = None) -> Q:
    return Q(status=HelpStatus.NEW, acknowledge_by__lt=now or timezone.now())


def callable_communes(user: Any):
    """Communes a call may be recorded for: those in the user's jurisdiction."""
    communes = AdminUnit.objects.filter(level=Level.COMMUNE)
    if user.sees_everything:
        return communes
    if user.scope_unit_id is None:
        return communes.none()
    return communes.filter(path__startswith=user.scope_unit.path)


def callable_neighbourhoods(user: Any):
    units = AdminUnit.objects.filter(level=Level.NEIGHBOURHOOD).select_related("parent")
    if user.sees_everything:
        return units
    if user.scope_unit_id is None:
        return units.none()
    return units.filter(path__startswith=user.scope_unit.path)


# --------------------------------------------------------------------------------------------------------------
# Intake


def _clean_phone(value: str, field_name: str) -> str:
    try:
        return normalise_phone(value)
    except ValidationError as exc:
        raise ValidationError({field_name: exc.messages}, code="phone_invalid") from exc


def existing_call(user: Any, key: str) -> Call | None:
    if not key:
        return None
    call = Call.objects.filter(operator=user, idempotency_key=key).select_related("help_request").first()
    if call is not None:
        call.joined = call.help_request.calls.order_by("received_at", "pk").values_list("pk", flat=True)[0] != call.pk
        call.routing_note = ""
    return call


def record_call(
    user: Any,
    *,
    caller_phone: str,
    commune: AdminUnit,
    category: str,
    need: str,
    neighbourhood: AdminUnit | None = None,
    caller_name: str = "",
    address: str = "",
    hotline: Hotline | None = None,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> Call:
    """Record a citizen call: it joins the open request of the same caller about the same need, or opens one.

    The returned call carries `joined` (True when it joined an existing request) and `routing_note` (why a new
    request went somewhere other than the table says, or ""). The same idempotency key returns the same call.
    """
    if not user.has_role_perm(TAKE):
        raise PermissionDenied(_("Your role does not allow recording calls."))
    idempotency_key = (idempotency_key or "").strip()[:80]
    if (existing := existing_call(user, idempotency_key)) is not None:
        return existing
    errors: dict[str, list[str]] = {}
    try:
        caller_phone = _clean_phone(caller_phone, "caller_phone")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if category not in HelpCategory.values:
        errors["category"] = [
            _("“%(value)s” is not a help category. Choose one of: %(valid)s.")
            % {"value": category, "valid": ", ".join(HelpCategory.values)}
        ]
    need = (need or "").strip()
    if not need:
        errors["need"] = [_("Write what the caller needs, in a few words.")]
    if commune is None or commune.level != Level.COMMUNE:
        errors["commune"] = [_("Choose the commune the caller is in.")]
    elif not in_scope(user, commune):
        errors["commune"] = [
            _("%(commune)s is outside your jurisdiction: record calls only for communes you serve.")
            % {"commune": commune.name}
        ]
    elif neighbourhood is not None and neighbourhood.parent_id != commune.pk:
        errors["neighbourhood"] = [
            _("%(neighbourhood)s is not in %(commune)s: choose a neighbourhood of the commune.")
            % {"neighbourhood": neighbourhood.name, "commune": commune.name}
        ]
    if hotline is not None and not Hotline.objects.visible_to(user).filter(pk=hotline.pk).exists():
        errors["hotline"] = [_("This hotline is not one you can see.")]
    if errors:
        raise ValidationError(errors)

    now = now or timezone.now()
    try:
        with acting_as(user), transaction.atomic():
            # One intake at a time per commune: two calls from the same number cannot both open a request.
            AdminUnit.objects.select_for_update().filter(pk=commune.pk).first()
            hr = (
                HelpRequest.objects.select_for_update()
                .filter(
                    caller_phone=caller_phone,
                    category=category,
                    commune=commune,
                    status__in=OPEN,
                    received_at__gte=now - JOIN_WINDOW,
                )
                .order_by("-received_at", "-pk")
                .first()
            )
            joined, routing = hr is not None, None
            if hr is None:
                routing = route(category, commune, neighbourhood)
                # The caller's household, when the registry knows the number there.
                household = Household.objects.filter(
                    phone=caller_phone, neighbourhood__path__startswith=(neighbourhood or commune).path
                ).first()
                hr = HelpRequest.objects.create(
                    commune=commune,
                    neighbourhood=neighbourhood,
                    caller_phone=caller_phone,
                    caller_name=(caller_name or "").strip()[:120],
                    address=(address or "").strip()[:300],
                    household=household,
                    category=category,
                    need=need,
                    routed_to_team=routing.team,
                    routed_to_site=routing.site,
                    received_at=now,
                    received_by=user,
                    acknowledge_by=acknowledge_deadline(category, now),
                )
                note = need if not routing.note else f"{need}\n{routing.note}"
                step = _step(hr, HelpStepKind.RECEIVED, user, now, note)
                _notify_responders(hr, step, responders(hr, include_commune=routing.notify_commune))
            else:
                step = _step(hr, HelpStepKind.CALLED_AGAIN, user, now, need)
                _notify_responders(hr, step, responders(hr, include_commune=False))
            call = Call.objects.create(
                hotline=hotline,
                caller_phone=caller_phone,
                received_at=now,
                operator=user,
                help_request=hr,
                note=need,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        # The same key saved by a parallel double tap: that call is the answer, and this one left nothing behind.
        if (existing := existing_call(user, idempotency_key)) is not None:
            return existing
        raise
    call.joined = joined
    call.routing_note = routing.note if routing else ""
    return call


# --------------------------------------------------------------------------------------------------------------
# Statuses


def _locked(hr: HelpRequest) -> HelpRequest:
    return HelpRequest.objects.select_for_update().select_related("commune").get(pk=hr.pk)


def _require_act(user: Any, hr: HelpRequest) -> None:
    if not user.has_role_perm(ACT):
        raise PermissionDenied(_("Your role does not allow acting on help requests."))
    if not in_scope(user, hr.commune):
        raise PermissionDenied(
            _("This help request is in %(commune)s: only that commune (or a level above it) acts on it.")
            % {"commune": hr.commune.name}
        )


def _require_open(hr: HelpRequest) -> None:
    if hr.status == HelpStatus.CLOSED:
        raise ValidationError(_("This help request is closed: reopen it first, with a reason."), code="closed")


def _require_note(note: str, message: str, field_name: str = "note") -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({field_name: message}, code="required")
    return note


def acknowledge(user: Any, hr: HelpRequest, note: str = "", now: datetime | None = None, **_kw) -> HelpRequest:
    now = now or timezone.now()
    with acting_as(user), transaction.atomic():
        r = _locked(hr)
        _require_act(user, r)
        _require_open(r)
        if r.status != HelpStatus.NEW:
            raise ValidationError(_("This help request is already acknowledged."), code="already_acknowledged")
        r.status, r.acknowledged_at = HelpStatus.ACKNOWLEDGED, now
        r.save(update_fields=["status", "acknowledged_at"])
        _step(r, HelpStepKind.ACKNOWLEDGED, user, now, (note or "").strip())
    return r


def start(user: Any, hr: HelpRequest, note: str = "", now: datetime | None = None, **_kw) -> HelpRequest:
    now = now or timezone.now()
    with acting_as(user), transaction.atomic():
        r = _locked(hr)
        _require_act(user, r)
        _require_open(r)
        if r.status == HelpStatus.IN_PROGRESS:
            raise ValidationError(_("Work on this help request has already started."), code="already_started")
        r.status, r.acknowledged_at = HelpStatus.IN_PROGRESS, r.acknowledged_at or now
        r.save(update_fields=["status", "acknowledged_at"])
        _step(r, HelpStepKind.STARTED, user, now, (note or "").strip())
    return r


def close(user: Any, hr: HelpRequest, note: str = "", now: datetime | None = None, **_kw) -> HelpRequest:
    """Close with the outcome (required): what was done for the caller."""
    now = now or timezone.now()
    with acting_as(user), transaction.atomic():
        r = _locked(hr)
        _require_act(user, r)
        if r.status == HelpStatus.CLOSED:
            raise ValidationError(_("This help request is already closed."), code="already_closed")
        outcome = _require_note(note, _("Write the outcome: what was done for the caller."), "outcome")
        r.status, r.outcome, r.closed_at = HelpStatus.CLOSED, outcome, now
        r.acknowledged_at = r.acknowledged_at or now
        r.save(update_fields=["status", "outcome", "closed_at", "acknowledged_at"])
        _step(r, HelpStepKind.CLOSED, user, now, outcome)
    return r


def reopen(user: Any, hr: HelpRequest, note: str = "", now: datetime | None = None, **_kw) -> HelpRequest:
    """A closed request is open again, to acknowledge anew within its category's delay (escalation starts over)."""
    now = now or timezone.now()
    with acting_as(user), transaction.atomic():
        r = _locked(hr)
        _require_act(user, r)
        if r.status != HelpStatus.CLOSED:
            raise ValidationError(_("Only a closed help request can be reopened."), code="not_closed")
        reason = _require_note(note, _("Say why the help request is reopened."))
        r.status, r.outcome, r.closed_at, r.acknowledged_at = HelpStatus.NEW, "", None, None
        r.acknowledge_by, r.escalation_level, r.escalated_at = acknowledge_deadline(r.category, now), 0, None
        r.save(
            update_fields=[
                "status",
                "outcome",
                "closed_at",
                "acknowledged_at",
                "acknowledge_by",
                "escalation_level",
                "escalated_at",
            ]
        )
        step = _step(r, HelpStepKind.REOPENED, user, now, reason)
        _notify_responders(r, step, responders(r, include_commune=False))
    return r


def reroute(
    user: Any,
    hr: HelpRequest,
    note: str = "",
    now: datetime | None = None,
    *,
    team: CommunityTeam | None = None,
    site: DutySite | None = None,
    **_kw,
) -> HelpRequest:
    """Send the request to another community team or site of the same commune: it must be acknowledged there anew."""
    now = now or timezone.now()
    with acting_as(user), transaction.atomic():
        r = _locked(hr)
        _require_act(user, r)
        _require_open(r)
        if (team is None) == (site is None):
            raise ValidationError(
                {"team": _("Choose either a community team or a site to route the request to.")}, code="target"
            )
        commune = r.commune
        if team is not None and not team.neighbourhood.path.startswith(commune.path):
            raise ValidationError(
                {"team": _("%(team)s does not serve %(commune)s.") % {"team": team.name, "commune": commune.name}},
                code="other_commune",
            )
        if site is not None and site.unit_id != commune.pk:
            raise ValidationError(
                {"site": _("%(site)s is not in %(commune)s.") % {"site": site.name, "commune": commune.name}},
                code="other_commune",
            )
        if team is not None and team.pk == r.routed_to_team_id or site is not None and site.pk == r.routed_to_site_id:
            raise ValidationError(_("The help request is already routed there."), code="same_target")
        reason = _require_note(note, _("Say why the help request goes elsewhere."))
        where = (team or site).name
        r.routed_to_team, r.routed_to_site = team, site
        r.status, r.acknowledged_at, r.escalation_level, r.escalated_at = HelpStatus.NEW, None, 0, None
        r.acknowledge_by = acknowledge_deadline(r.category, now)
        r.save(
            update_fields=[
                "routed_to_team",
                "routed_to_site",
                "status",
                "acknowledged_at",
                "acknowledge_by",
                "escalation_level",
                "escalated_at",
            ]
        )
        step = _step(r, HelpStepKind.REROUTED, user, now, f"→ {where}: {reason}")
        _notify_responders(r, step, responders(r, include_commune=False))
    return r


def comment(user: Any, hr: HelpRequest, note: str = "", now: datetime | None = None, **_kw) -> HelpRequest:
    now = now or timezone.now()
    with acting_as(user), transaction.atomic():
        r = _locked(hr)
        if not may_comment(user, r):
            raise PermissionDenied(_("Only those who take calls or act on help requests in this commune may comment."))
        note = _require_note(note, _("Write the comment."))
        _step(r, HelpStepKind.COMMENTED, user, now, note)
    return r


#: The page's and the API's action names → the service.
ACTIONS = {
    "acknowledge": acknowledge,
    "start": start,
    "close": close,
    "reopen": reopen,
    "reroute": reroute,
    "comment": comment,
}


def perform(user: Any, hr: HelpRequest, action: str, note: str = "", now: datetime | None = None, **extra):
    service = ACTIONS.get(action)
    if service is None:
        raise ValidationError(
            _("Unknown action “%(action)s”. Choose one of: %(valid)s.")
            % {"action": action, "valid": ", ".join(ACTIONS)},
            code="unknown_action",
        )
    return service(user, hr, note, now=now, **extra)


# --------------------------------------------------------------------------------------------------------------
# Errands


def _errand_request(user: Any, hr: HelpRequest) -> HelpRequest:
    r = _locked(hr)
    _require_act(user, r)
    if r.category != HelpCategory.FOOD:
        raise ValidationError(
            _("Errands are for food and necessities requests; this one is “%(category)s”.")
            % {"category": r.get_category_display()},
            code="not_food",
        )
    return r


def save_errand(
    user: Any,
    hr: HelpRequest,
    *,
    shopping_list: str,
    deliverer_name: str = "",
    deliverer_phone: str = "",
) -> Errand:
    """Write (or correct) the shopping list and who delivers, until it is delivered."""
    with acting_as(user), transaction.atomic():
        r = _errand_request(user, hr)
        errand = Errand.objects.select_for_update().filter(help_request=r).first()
        if errand is None and r.status == HelpStatus.CLOSED:
            raise ValidationError(_("This help request is closed: reopen it before starting an errand."), "closed")
        if errand is not None and errand.status != ErrandStatus.TO_BUY:
            raise ValidationError(
                _("The errand is already delivered: its list and deliverer can no longer change."), code="delivered"
            )
        errors: dict[str, list[str]] = {}
        shopping_list = (shopping_list or "").strip()
        if not shopping_list:
            errors["shopping_list"] = [_("Write the shopping list: what to buy, how much.")]
        deliverer_name = (deliverer_name or "").strip()[:120]
        if deliverer_phone and deliverer_phone.strip():
            try:
                deliverer_phone = _clean_phone(deliverer_phone, "deliverer_phone")
            except ValidationError as exc:
                errors.update(exc.message_dict)
        else:
            deliverer_phone = ""
        if errors:
            raise ValidationError(errors)
        errand = errand or Errand(help_request=r)
        errand.shopping_list, errand.deliverer_name, errand.deliverer_phone = (
            shopping_list,
            deliverer_name,
            deliverer_phone,
        )
        errand.save()
    return errand


def mark_delivered(user: Any, hr: HelpRequest, at: datetime | None = None) -> Errand:
    at = at or timezone.now()
    with acting_as(user), transaction.atomic():
        r = _errand_request(user, hr)
        errand = Errand.objects.select_for_update().filter(help_request=r).first()
        if errand is None:
            raise ValidationError(_("Write the shopping list first."), code="no_errand")
        if errand.status != ErrandStatus.TO_BUY:
            raise ValidationError(_("The errand is already delivered."), code="already_delivered")
        if not errand.deliverer_name:
            raise ValidationError(
                {"deliverer_name": _("Say who delivered the shopping before marking it delivered.")}, code="required"
            )
        errand.status, errand.delivered_at = ErrandStatus.DELIVERED, at
        errand.save(update_fields=["status", "delivered_at"])
    return errand


def mark_paid(user: Any, hr: HelpRequest, amount: int | None, at: datetime | None = None) -> Errand:
    """The household paid the deliverer `amount` VND (0 for a free relief package)."""
    at = at or timezone.now()
    with acting_as(user), transaction.atomic():
        r = _errand_request(user, hr)
        errand = Errand.objects.select_for_update().filter(help_request=r).first()
        if errand is None:
            raise ValidationError(_("Write the shopping list first."), code="no_errand")
        if errand.status == ErrandStatus.PAID:
            raise ValidationError(_("The errand is already paid."), code="already_paid")
        if errand.status != ErrandStatus.DELIVERED:
            raise ValidationError(_("The errand is paid on delivery: mark it delivered first."), code="not_delivered")
        if amount is None or amount < 0:
            raise ValidationError({"amount": _("Enter the amount paid, in VND (0 if free).")}, code="required")
        errand.status, errand.amount, errand.paid_at = ErrandStatus.PAID, int(amount), at
        errand.save(update_fields=["status", "amount", "paid_at"])
    return errand


# --------------------------------------------------------------------------------------------------------------
# Steps and notifications


def _step(hr: HelpRequest, kind: str, user: Any, now: datetime, note: str) -> HelpRequestStep:
    return HelpRequestStep.objects.create(help_request=hr, kind=kind, by=user, at=now, note=note)


def acting_roles() -> list[str]:
    return [role for role, perms in PERMISSIONS.items() if ACT in perms]


def users_of_unit(unit: AdminUnit) -> list[Any]:
    """Active logins scoped to exactly this unit (not the levels above) whose role may act on help requests."""
    from phaodai.accounts.models import User

    return list(User.objects.filter(scope_unit=unit, role__in=acting_roles(), is_active=True).order_by("username"))


def responders(hr: HelpRequest, *, include_commune: bool) -> list[Any]:
    """Who is told about a request: help.act users of the neighbourhood and of the routed site's agency; those of
    the commune when asked, or when there is no one else (the commune always answers for its requests)."""
    from phaodai.accounts.models import User

    users = User.objects.filter(role__in=acting_roles(), is_active=True)
    q = Q(pk__in=[])
    if hr.neighbourhood_id:
        q |= Q(scope_unit_id=hr.neighbourhood_id)
    if hr.routed_to_site_id and hr.routed_to_site.agency_id:
        q |= Q(scope_agency_id=hr.routed_to_site.agency_id, scope_unit__isnull=True)
        q |= Q(scope_agency_id=hr.routed_to_site.agency_id, scope_unit_id=hr.commune_id)
    found = list(users.filter(q).order_by("username"))
    if include_commune or not found:
        found += [u for u in users_of_unit(hr.commune) if u not in found]
    return found


def _link(hr: HelpRequest) -> str:
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{hr.get_absolute_url()}"


def routed_to_name(hr: HelpRequest) -> str:
    if hr.routed_to_team_id:
        return hr.routed_to_team.name
    if hr.routed_to_site_id:
        return hr.routed_to_site.name
    return hr.commune.name


def _notify_responders(hr: HelpRequest, step: HelpRequestStep, recipients: list[Any]) -> None:
    from phaodai.notifications.services import queue

    with translation.override(settings.LANGUAGE_CODE):
        subjects = {
            HelpStepKind.CALLED_AGAIN: _("Called again: help request #%(number)s (%(category)s)"),
            HelpStepKind.REOPENED: _("Help request #%(number)s reopened (%(category)s)"),
            HelpStepKind.REROUTED: _("Help request #%(number)s routed to you (%(category)s)"),
            HelpStepKind.ESCALATED: _("Overdue, escalated: help request #%(number)s (%(category)s)"),
        }
        subject = subjects.get(step.kind, _("New help request #%(number)s (%(category)s)")) % {
            "number": hr.pk,
            "category": hr.get_category_display(),
        }
        body = _(
            "%(phone)s in %(where)s: %(need)s\nRouted to %(routed)s. Acknowledge by %(due)s.\n%(note)s\n%(link)s"
        ) % {
            "phone": hr.caller_phone,
            "where": hr.neighbourhood.name if hr.neighbourhood_id else hr.commune.name,
            "need": hr.need,
            "routed": routed_to_name(hr),
            "due": timezone.localtime(hr.acknowledge_by).strftime("%H:%M %d/%m/%Y"),
            "note": step.note if step.note != hr.need else "",
            "link": _link(hr),
        }
        for recipient in recipients:
            queue(recipient, subject, body, key=f"help:{hr.pk}:step:{step.pk}:user:{recipient.pk}")

"""Pages of the roster printouts and "my shifts": the weekly roster as PDF and Excel, a person's own shifts on a
phone, their iCalendar feed (no login: the token is the key) and the reset of its link."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from phaodai.core import xlsx
from phaodai.core.permissions import LOGGED_IN, PUBLIC, RolePermissionMixin, ScopedObjectMixin, require_role_perm
from phaodai.duty import my_shifts, printouts
from phaodai.duty.models import Roster

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


class RosterPrintoutView(ScopedObjectMixin, View):
    """The roster as the official PDF (one site and ISO week: ?site=&week=) or as the Excel workbook."""

    permission = "duty.view"
    model = Roster
    kind = "pdf"

    def check_permission(self) -> None:
        # A role that sees no roster at all is told so (403) whatever the address: that reveals no record.
        require_role_perm(self.request.user, self.permission)
        super().check_permission()

    def get(self, request, *args: Any, **kwargs: Any) -> HttpResponse:
        roster = self.get_object()
        if self.kind == "xlsx":
            return xlsx.xlsx_response(printouts.roster_xlsx(roster), printouts.roster_filename(roster, "xlsx"))
        site = None
        if request.GET.get("site"):
            # Only a site of this roster: any other id is "not found", never someone else's site.
            site = roster.sites.filter(pk=request.GET["site"] if request.GET["site"].isdigit() else None).first()
            if site is None:
                raise Http404
        try:
            week = printouts.parse_week(request.GET["week"]) if request.GET.get("week") else None
            monday = printouts.roster_week(roster, week)
            pdf = printouts.roster_pdf(roster, site, monday)
        except ValidationError as exc:
            return HttpResponseBadRequest(" ".join(exc.messages), content_type="text/plain; charset=utf-8")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{printouts.roster_filename(roster, "pdf", monday)}"'
        response["Cache-Control"] = "private, no-store"
        return response


class MyShiftsView(RolePermissionMixin, TemplateView):
    """ "When and where am I on duty, with whom": any logged-in person, only their own shifts of published rosters."""

    permission = LOGGED_IN
    template_name = "duty/myshifts_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["has_record"] = user.staff_member_id is not None
        ctx["rows"] = my_shifts.upcoming_shifts(user)
        feed = my_shifts.feed_of(user)
        ctx["feed"] = feed
        if feed is not None:
            path = reverse("duty:my_shifts_feed", args=[feed.token])
            ctx["feed_url"] = self.request.build_absolute_uri(path)
            ctx["webcal_url"] = "webcal://" + ctx["feed_url"].split("://", 1)[1]
        ctx["now"] = timezone.now()
        return ctx


class MyShiftsFeedView(View):
    """The person's shifts as iCalendar, for calendar apps: no login, the token in the address is the only key."""

    permission = PUBLIC

    def get(self, request, token: str) -> HttpResponse:
        feed = my_shifts.feed_by_token(token)
        if feed is None:
            raise Http404
        response = HttpResponse(my_shifts.feed_ics(feed), content_type=ICS_CONTENT_TYPE)
        response["Content-Disposition"] = 'inline; filename="lich-truc.ics"'
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response


class MyShiftsFeedResetView(RolePermissionMixin, View):
    """POST: a calendar link for the person, or a new one in place of the old (which stops working)."""

    permission = LOGGED_IN

    def post(self, request, *args: Any, **kwargs: Any) -> HttpResponse:
        had_one = my_shifts.feed_of(request.user) is not None
        try:
            my_shifts.reset_feed(request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if had_one:
                messages.success(
                    request, _("Your calendar link was replaced: the old link no longer works. Subscribe again.")
                )
            else:
                messages.success(request, _("Your calendar link is ready: add it to your phone's calendar."))
        return redirect("duty:my_shifts")

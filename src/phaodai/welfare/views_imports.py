"""Pages of the welfare import: upload → preview (mapping, first rows, every problem) → confirm (all or nothing)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from phaodai.core.permissions import RolePermissionMixin
from phaodai.welfare import import_apply, importing
from phaodai.welfare.forms_imports import MappingForm, UploadForm

#: Problems listed on the page (a wholly wrong file has thousands; the first ones show what to fix).
MAX_SHOWN = 500


def preview_url(token: str) -> str:
    return f"{reverse('welfare:import_preview')}?{urlencode({'token': token})}"


class ImportUploadView(RolePermissionMixin, View):
    permission = "welfare.import"
    template_name = "welfare/import_upload.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": UploadForm(user=request.user)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        upload = form.cleaned_data["file"]
        token = import_apply.store(upload, request.user, upload.name, form.choices())
        return redirect(preview_url(token))


class ImportPreviewView(RolePermissionMixin, View):
    """GET: the preview. POST action=update: the user's corrections; action=confirm: the import; action=cancel."""

    permission = "welfare.import"
    template_name = "welfare/import_preview.html"

    def _preview(self, token: str) -> import_apply.Preview | HttpResponse:
        try:
            found = import_apply.preview(token, self.request.user)
        except importing.ImportError_ as exc:
            import_apply.discard(token)
            form = UploadForm(user=self.request.user)
            return render(
                self.request, "welfare/import_upload.html", {"form": form, "file_error": exc.message}, status=400
            )
        except ValidationError as exc:
            import_apply.discard(token)
            messages.error(self.request, " ".join(exc.messages))
            return redirect("welfare:import_upload")
        if found is None:
            raise Http404(_("This upload is not available any more: send the file again."))
        return found

    def get(self, request: HttpRequest) -> HttpResponse:
        token = request.GET.get("token", "")
        found = self._preview(token)
        if isinstance(found, HttpResponse):
            return found
        return self.show(found, MappingForm(reading=found.reading))

    def post(self, request: HttpRequest) -> HttpResponse:
        token = request.POST.get("token") or request.GET.get("token", "")
        if import_apply.stored(token, request.user) is None:
            raise Http404(_("This upload is not available any more: send the file again."))
        action = request.POST.get("action", "update")
        if action == "cancel":
            import_apply.discard(token)
            messages.info(request, _("The upload was cancelled: nothing was imported."))
            return redirect("welfare:import_upload")
        if action == "confirm":
            return self.confirm(token)
        found = self._preview(token)
        if isinstance(found, HttpResponse):
            return found
        form = MappingForm(request.POST, reading=found.reading)
        if not form.is_valid():
            return self.show(found, form, status=400)
        import_apply.update_choices(token, form.choices())
        return redirect(preview_url(token))

    def confirm(self, token: str) -> HttpResponse:
        try:
            outcome = import_apply.confirm(token, self.request.user)
        except importing.ImportError_ as exc:
            messages.error(self.request, exc.message)
            return redirect(preview_url(token))
        except ValidationError as exc:
            found = self._preview(token)
            if isinstance(found, HttpResponse):
                return found
            problems = (exc.params or {}).get("problems") if hasattr(exc, "params") else None
            if not problems:
                messages.error(self.request, " ".join(exc.messages))
            return self.show(found, MappingForm(reading=found.reading), status=400)
        if outcome is None:
            raise Http404(_("This upload is not available any more: send the file again."))
        return render(self.request, "welfare/import_done.html", {"outcome": outcome})

    def show(self, found: import_apply.Preview, form: MappingForm, status: int = 200) -> HttpResponse:
        context: dict[str, Any] = {
            "preview": found,
            "form": form,
            "info": found.reading.main,
            "rows": [r.display() for r in found.reading.rows[: importing.PREVIEW_ROWS]],
            "row_count": len(found.reading.rows),
            "problems": found.plan.problems[:MAX_SHOWN],
            "problem_count": len(found.plan.problems),
            "multiple_sheets": len(found.reading.chosen) > 1,
            "action": preview_url(found.token),
            "token": found.token,
        }
        return render(self.request, self.template_name, context, status=status)

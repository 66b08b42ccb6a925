"""Civil servants to and from Excel: the filtered export, the import page and its template."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from phaodai.core import xlsx
from phaodai.core.permissions import RolePermissionMixin
from phaodai.staff import excel
from phaodai.staff.filters import StaffMemberFilterSet
from phaodai.staff.models import StaffMember

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: Problems listed on the page (a wholly wrong 5,000-row file has more; the first ones show what to fix).
MAX_SHOWN = 1000


class StaffExportView(xlsx.FilteredExportView):
    permission = "staff.export"
    model = StaffMember
    filterset_class = StaffMemberFilterSet
    title = gettext_lazy("Civil servants")
    select_related = ("agency", "agency__unit", "home_unit")
    prefetch_related = ("skills",)

    def get_columns(self):
        return excel.export_columns()

    def get_rows(self, queryset):
        return excel.numbered(queryset.iterator(chunk_size=2000))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.xlsm,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    dry_run = forms.BooleanField(label=gettext_lazy("Check only: report the problems, import nothing"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if name.endswith(".xls"):
            raise forms.ValidationError(
                _("This is an old Excel 97-2003 (.xls) file: open it in Excel and save it as .xlsx."), code="xls"
            )
        if not name.endswith((".xlsx", ".xlsm")):
            raise forms.ValidationError(_("Choose an Excel .xlsx file."), code="extension")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB: split it into several files.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
                code="too_large",
            )
        return upload


class StaffImportView(RolePermissionMixin, View):
    """Upload → either a summary (people imported, warnings) or every error (row, column, message), nothing imported."""

    permission = "staff.import"
    template_name = "staff/import.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show(request, ImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.show(request, form)
        upload = form.cleaned_data["file"]
        result = excel.import_staff(upload, request.user, dry_run=form.cleaned_data["dry_run"])
        # A re-check after fixing the file is the usual next step: keep the "check only" choice.
        return self.show(
            request,
            ImportForm(initial={"dry_run": form.cleaned_data["dry_run"]}),
            result=result,
            filename=upload.name,
        )

    def show(self, request: HttpRequest, form: ImportForm, **extra: Any) -> HttpResponse:
        context = {"form": form, "max_rows": excel.MAX_ROWS, **extra}
        result = extra.get("result")
        if result is not None:
            context.update(errors=result.errors[:MAX_SHOWN], warnings=result.warnings[:MAX_SHOWN])
        return render(request, self.template_name, context)


class StaffImportTemplateView(RolePermissionMixin, View):
    permission = "staff.import"

    def get(self, request: HttpRequest) -> HttpResponse:
        content = excel.build_template(request.user)
        return xlsx.xlsx_response(io.BytesIO(content), xlsx.export_filename(_("Civil servants import template")))

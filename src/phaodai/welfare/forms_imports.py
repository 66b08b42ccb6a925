"""Forms of the welfare import: the upload (file, commune, neighbourhood, draft list) and the mapping on the preview."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaodai.places.models import AdminUnit, Level
from phaodai.welfare import import_apply
from phaodai.welfare import import_mapping as mapping
from phaodai.welfare.importing import ALL_SHEETS, Reading

#: The largest file accepted: refused from its size, before it is read.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def check_upload(upload) -> None:
    """Refuse what cannot be a welfare workbook before reading a byte of it: too large, or not .xlsx."""
    name = (getattr(upload, "name", "") or "").lower()
    if upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("The file is larger than %(size)d MB: split it into several files.")
            % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="too_large",
        )
    if name.endswith(".xls"):
        raise forms.ValidationError(
            _("This is an old Excel 97-2003 (.xls) file: open it in Excel and save it as .xlsx."), code="xls"
        )
    if not name.endswith((".xlsx", ".xlsm")):
        raise forms.ValidationError(_("Choose an Excel .xlsx file."), code="extension")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.xlsm,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    commune = forms.ModelChoiceField(queryset=AdminUnit.objects.none(), label=gettext_lazy("Commune"))
    neighbourhood = forms.ModelChoiceField(
        queryset=AdminUnit.objects.none(),
        label=gettext_lazy("Neighbourhood"),
        required=False,
        help_text=gettext_lazy("For the rows that name no neighbourhood (no Ấp/Khu vực column)."),
    )
    support_list = forms.ModelChoiceField(
        queryset=import_apply.SupportList.objects.none(),
        label=gettext_lazy("Add the rows to this draft support list"),
        required=False,
        help_text=gettext_lazy("Optional: without a list, the rows go into the household registry only."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        communes = import_apply.importable_communes(user)
        self.fields["commune"].queryset = communes
        if communes.count() == 1:
            self.fields["commune"].initial = communes.first()
        self.fields["neighbourhood"].queryset = AdminUnit.objects.filter(
            parent__in=communes, level=Level.NEIGHBOURHOOD
        ).order_by("path")
        self.fields["neighbourhood"].label_from_instance = lambda u: f"{u.name} ({u.parent.name})"
        self.fields["support_list"].queryset = import_apply.importable_lists(user)
        self.fields["support_list"].label_from_instance = lambda s: f"{s.programme} · {s.commune} · {s.revision}"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        commune = data.get("commune")
        if commune is None:
            return data
        neighbourhood, support_list = data.get("neighbourhood"), data.get("support_list")
        if neighbourhood is not None and neighbourhood.parent_id != commune.pk:
            self.add_error("neighbourhood", _("Choose a neighbourhood of %(commune)s.") % {"commune": commune.name})
        if support_list is not None and support_list.commune_id != commune.pk:
            self.add_error("support_list", _("Choose a draft support list of %(commune)s.") % {"commune": commune.name})
        return data

    def choices(self) -> dict:
        data = self.cleaned_data
        return {
            "commune": data["commune"].pk,
            "neighbourhood": data["neighbourhood"].pk if data.get("neighbourhood") else None,
            "support_list": data["support_list"].pk if data.get("support_list") else None,
        }


class MappingForm(forms.Form):
    """The preview's corrections: which sheet, which header row, which field each column holds."""

    sheet = forms.ChoiceField(label=gettext_lazy("Sheet"), required=False)
    header_row = forms.IntegerField(label=gettext_lazy("Header row"), required=False, min_value=1, max_value=30)

    def __init__(self, *args, reading: Reading, **kwargs):
        super().__init__(*args, **kwargs)
        self.reading = reading
        sheets = [(s.title, s.title) for s in reading.sheets]
        if len(sheets) > 1:
            sheets.append((ALL_SHEETS, _("All sheets with the same header")))
        self.fields["sheet"].choices = sheets
        field_choices = [("", _("— not read —"))] + [(k, str(v)) for k, v in mapping.FIELD_LABELS.items()]
        for column in reading.main.columns:
            self.fields[f"col_{column.index}"] = forms.ChoiceField(
                label=f"{column.letter} · {column.label}", choices=field_choices, required=False
            )
            self.initial.setdefault(f"col_{column.index}", column.field)
        self.initial.setdefault("sheet", reading.main.title if len(reading.chosen) == 1 else ALL_SHEETS)
        self.initial.setdefault("header_row", reading.main.first_header_row or None)

    def column_fields(self):
        return [self[f"col_{c.index}"] for c in self.reading.main.columns]

    def choices(self) -> dict:
        data = self.cleaned_data
        sheet = data.get("sheet") or None
        changed_sheet = sheet and sheet != self.initial.get("sheet")
        header_row = data.get("header_row")
        changed_row = header_row and header_row != self.reading.main.first_header_row
        result: dict = {"sheet": sheet, "header_row": header_row if changed_row else None}
        if changed_sheet or changed_row:
            result["mapping"] = {}  # another table: detect its columns afresh
        else:
            # every column, as shown: the page is the whole truth about the mapping
            result["mapping"] = {str(c.index): data.get(f"col_{c.index}", "") or "" for c in self.reading.main.columns}
        return result

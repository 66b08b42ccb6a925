"""User accounts as a system administrator manages them: role, jurisdiction, active flag, password."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from phaodai.accounts.models import User
from phaodai.accounts.roles import Role
from phaodai.core.forms import group_by_district
from phaodai.places.models import AdminUnit, Agency, Level


class LoginForm(AuthenticationForm):
    """Django's log-in form with phone-friendly inputs (no auto-capitalisation of the username)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocapitalize": "none", "autocorrect": "off"})


def scope_unit_choices(editor: User):
    """Provinces, districts and communes the editor sees (an account is never scoped to a neighbourhood)."""
    return AdminUnit.objects.visible_to(editor).filter(level__lte=Level.COMMUNE)


class UserForm(forms.ModelForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "phone", "role", "scope_unit", "scope_agency", "is_active"]

    def __init__(self, *args, editor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        self.fields["scope_unit"].queryset = scope_unit_choices(editor)
        self.fields["scope_unit"].label_from_instance = lambda u: "\u2003" * (u.level - 1) + u.name
        agencies = Agency.objects.visible_to(editor)
        self.fields["scope_agency"].queryset = agencies
        group_by_district(self.fields["scope_agency"], agencies.select_related("unit"), lambda a: a.unit.path)
        self.fields["username"].widget.attrs.update({"autocapitalize": "none", "autocorrect": "off"})
        if not editor.sees_everything:
            # Only someone who sees everything may hand out the role that sees everything.
            self.fields["role"].choices = [c for c in self.fields["role"].choices if c[0] != Role.SYSADMIN]
        if self.instance.pk:
            self.fields["full_name"].initial = self.instance.get_full_name()

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if (
            role
            and role != Role.SYSADMIN
            and not cleaned.get("scope_unit")
            and not cleaned.get("scope_agency")
            and not self.instance.is_superuser
        ):
            # The database refuses it too (user_scoped_unless_sysadmin); say it on the field.
            self.add_error(
                "scope_unit",
                ValidationError(
                    _("Choose a jurisdiction (a unit or an agency): only system administrators work without one."),
                    code="scope_required",
                ),
            )
        if self.instance.pk and self.instance.pk == self.editor.pk:
            if "is_active" in cleaned and not cleaned["is_active"]:
                self.add_error(
                    "is_active", ValidationError(_("You cannot deactivate your own account."), code="self_deactivate")
                )
            if role and role != self.instance.role and self.instance.role == Role.SYSADMIN:
                self.add_error(
                    "role", ValidationError(_("You cannot take away your own administrator role."), code="self_role")
                )
        return cleaned

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        # One field for the whole Vietnamese name ("Nguyễn Văn An"): get_full_name() returns it unchanged.
        user.first_name = self.cleaned_data.get("full_name", "").strip()
        user.last_name = ""
        if commit:
            user.save()
        return user


class UserCreateForm(SetPasswordMixin, UserForm):
    password1, password2 = SetPasswordMixin.create_password_fields()

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # After the instance has its username/name: the similarity validator compares against them.
        self.validate_password_for_user(self.instance)

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        return self.set_password_and_save(user, commit=commit)

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from phaodai.core.scope import ScopedQuerySet, agency_q, unit_subtree_q
from phaodai.core.text import clean_text, fold
from phaodai.places.models import Bloc
from phaodai.staff.identity import FEMALE, MALE, normalise_phone, validate_citizen_id


class Gender(models.TextChoices):
    MALE = MALE, _("Male")
    FEMALE = FEMALE, _("Female")


class StaffStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    MOBILISED = "mobilised", _("Mobilised")
    ON_LEAVE = "on_leave", _("On leave")
    ISOLATED = "isolated", _("Isolated or sick")


class VaccinationStatus(models.TextChoices):
    NONE = "none", _("Not vaccinated")
    ONE_DOSE = "one_dose", _("One dose")
    FULL = "full", _("Fully vaccinated")
    BOOSTER = "booster", _("Booster dose")


class Skill(models.Model):
    """A skill useful in the field: medical, data entry/IT, driving, ..."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    search_name = models.CharField(max_length=100, editable=False)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)


class StaffMemberQuerySet(ScopedQuerySet):
    view_permission = "staff.view"

    def scope_filter(self, user) -> Q:
        return unit_subtree_q(user, "agency__unit__path") | agency_q(user, "agency")

    def search(self, text: str) -> "StaffMemberQuerySet":
        """Accent-, case- and Unicode-form-insensitive name search; digits also match citizen ID and phone."""
        text = (text or "").strip()
        if not text:
            return self
        q = Q(search_name__contains=fold(text))
        compact = text.replace(" ", "").replace(".", "").lstrip("+")
        if len(compact) >= 4 and compact.isdigit():
            # "+84 912…" and "0912…" are one number.
            phone_digits = "0" + compact[2:] if compact.startswith("84") and len(compact) >= 11 else compact
            q |= Q(citizen_id__contains=compact) | Q(phone__contains=phone_digits)
        return self.filter(q)


class StaffMember(models.Model):
    """A civil servant, public employee or worker (cán bộ, công chức, viên chức, người lao động)."""

    full_name = models.CharField(_("full name"), max_length=120)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    date_of_birth = models.DateField(_("date of birth"))
    citizen_id = models.CharField(_("citizen ID"), max_length=12, unique=True)
    citizen_id_is_old = models.BooleanField(_("old 9-digit ID"), default=False, editable=False)
    phone = models.CharField(_("phone"), max_length=11, blank=True, db_index=True)
    agency = models.ForeignKey(
        "places.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="staff"
    )
    position = models.CharField(_("position"), max_length=120, blank=True)
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True, related_name="staff")
    status = models.CharField(_("status"), max_length=16, choices=StaffStatus.choices, default=StaffStatus.AVAILABLE)
    vaccination_status = models.CharField(
        _("vaccination"), max_length=16, choices=VaccinationStatus.choices, default=VaccinationStatus.NONE
    )
    home_unit = models.ForeignKey(
        "places.AdminUnit",
        verbose_name=_("place of residence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        help_text=_("The commune (or neighbourhood) the person lives in: used to send people near home."),
    )
    search_name = models.CharField(max_length=120, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("civil servant")
        verbose_name_plural = _("civil servants")
        ordering = ["search_name", "pk"]
        constraints = [
            models.CheckConstraint(name="staff_gender_valid", condition=Q(gender__in=[MALE, FEMALE])),
            models.CheckConstraint(name="staff_status_valid", condition=Q(status__in=[s.value for s in StaffStatus])),
            models.CheckConstraint(
                name="staff_vaccination_valid",
                condition=Q(vaccination_status__in=[v.value for v in VaccinationStatus]),
            ),
            models.CheckConstraint(
                name="staff_citizen_id_9_or_12_digits",
                condition=Q(citizen_id__regex=r"^([0-9]{9}|[0-9]{12})$"),
            ),
            models.CheckConstraint(name="staff_full_name_not_blank", condition=~Q(full_name="")),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="staff_agency_status")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.full_name = clean_text(self.full_name)
        self.search_name = fold(self.full_name)
        self.citizen_id_is_old = len(self.citizen_id) == 9
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("staff:staffmember_detail", args=[self.pk])

    @property
    def bloc(self) -> str:
        return self.agency.bloc

    @property
    def is_party_bloc(self) -> bool:
        return self.agency.bloc == Bloc.PARTY

    def clean(self) -> None:
        errors: dict[str, list] = {}
        self.full_name = clean_text(self.full_name)
        if self.citizen_id:
            try:
                cid = validate_citizen_id(self.citizen_id, self.gender, self.date_of_birth)
                self.citizen_id, self.citizen_id_is_old = cid.number, cid.is_old
            except ValidationError as exc:
                errors["citizen_id"] = exc.messages
        if self.phone:
            try:
                self.phone = normalise_phone(self.phone)
            except ValidationError as exc:
                errors["phone"] = exc.messages
        if errors:
            raise ValidationError(errors)

    def phone_duplicates(self) -> "StaffMemberQuerySet":
        """Other people with the same phone: allowed, but worth a warning (a shared family phone, or a typo)."""
        if not self.phone:
            return StaffMember.objects.none()
        return StaffMember.objects.filter(phone=self.phone).exclude(pk=self.pk)

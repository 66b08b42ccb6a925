from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from phaodai.core.scope import ScopedQuerySet, agency_q, unit_subtree_q
from phaodai.core.text import clean_text, fold


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    DISTRICT = 2, _("District")
    COMMUNE = 3, _("Commune")
    NEIGHBOURHOOD = 4, _("Neighbourhood")


class Structure(models.TextChoices):
    THREE_LEVEL_2021 = "2021", _("Province / district / commune (until 30/06/2025)")
    TWO_LEVEL_2025 = "2025", _("Province / commune (from 01/07/2025)")


class NeighbourhoodKind(models.TextChoices):
    HAMLET = "ấp", _("Hamlet (ấp)")
    AREA = "khu vực", _("Area (khu vực)")
    VILLAGE = "thôn", _("Village (thôn)")
    RESIDENTIAL_GROUP = "tổ dân phố", _("Residential group (tổ dân phố)")
    QUARTER = "khu phố", _("Quarter (khu phố)")
    KHOM = "khóm", _("Khóm")


class AdminUnitQuerySet(ScopedQuerySet):
    view_permission = "unit.view"

    def scope_filter(self, user) -> Q:
        q = unit_subtree_q(user, "path")
        if user.scope_unit_id is not None:
            # The chain above one's own unit is context, not data: a commune sees its district and province names.
            q |= Q(pk__in=user.scope_unit.ancestor_ids())
        if user.scope_agency_id is not None:
            q |= Q(path__startswith=user.scope_agency.unit.path)
        return q

    def under(self, unit: "AdminUnit", include_self: bool = True) -> "AdminUnitQuerySet":
        """All units under `unit`, whatever the depth, in one query."""
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)


class AdminUnit(models.Model):
    """One node of the administrative tree: province → [district] → commune → neighbourhood."""

    code = models.CharField(_("code"), max_length=24, unique=True, help_text=_("Official GSO code."))
    name = models.CharField(_("name"), max_length=150)
    division_type = models.CharField(_("type"), max_length=40, help_text=_("e.g. quận, huyện, phường, xã, ấp"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    structure = models.CharField(_("structure"), max_length=4, choices=Structure.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Materialised path of codes, "/92/916/31117/": subtree = path prefix, one indexed query at any depth.
    path = models.CharField(max_length=255, unique=True, editable=False)
    search_name = models.CharField(max_length=150, editable=False, db_index=True)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(name="adminunit_level_valid", condition=Q(level__gte=1, level__lte=4)),
            models.CheckConstraint(
                name="adminunit_only_provinces_are_roots",
                condition=(Q(level=Level.PROVINCE) & Q(parent__isnull=True))
                | (Q(level__gt=Level.PROVINCE) & Q(parent__isnull=False)),
            ),
            models.CheckConstraint(name="adminunit_code_not_blank", condition=~Q(code="")),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = clean_text(self.name)
        self.search_name = fold(self.name)
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("places:adminunit_detail", args=[self.pk])

    def ancestor_ids(self) -> list[int]:
        return list(AdminUnit.objects.filter(path__in=self.ancestor_paths()).values_list("pk", flat=True))

    def ancestor_paths(self) -> list[str]:
        codes = self.path.strip("/").split("/")[:-1]
        return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]

    def ancestors(self) -> models.QuerySet["AdminUnit"]:
        return AdminUnit.objects.filter(path__in=self.ancestor_paths()).order_by("level")

    def descendants(self, include_self: bool = False) -> AdminUnitQuerySet:
        return AdminUnit.objects.under(self, include_self=include_self)

    @property
    def full_name(self) -> str:
        names = [u.name for u in self.ancestors()] + [self.name]
        return ", ".join(reversed(names))


class AgencyKind(models.TextChoices):
    DEPARTMENT = "department", _("Department, board or sector (Sở, ban, ngành)")
    DISTRICT_COMMITTEE = "district_committee", _("District People's Committee")
    COMMUNE_COMMITTEE = "commune_committee", _("Commune People's Committee")
    HOSPITAL = "hospital", _("Hospital")
    HEALTH_CENTRE = "health_centre", _("District health centre")
    HEALTH_STATION = "health_station", _("Commune health station")
    ASSOCIATION = "association", _("Association")
    PARTY = "party", _("Party body")
    MASS_ORGANISATION = "mass_organisation", _("Mass organisation")
    PUBLIC_SERVICE = "public_service", _("Public service unit")
    OTHER = "other", _("Other")


class Bloc(models.TextChoices):
    GOVERNMENT = "government", _("Government bloc")
    PARTY = "party", _("Party and mass-organisation bloc")


PARTY_BLOC_KINDS = {AgencyKind.PARTY, AgencyKind.MASS_ORGANISATION}


class AgencyQuerySet(ScopedQuerySet):
    view_permission = "agency.view"

    def scope_filter(self, user) -> Q:
        return unit_subtree_q(user, "unit__path") | agency_q(user, "")


class Agency(models.Model):
    """An agency (cơ quan, đơn vị) with its headcount (biên chế) and the minimum that must stay in the office."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices)
    bloc = models.CharField(_("bloc"), max_length=16, choices=Bloc.choices, default=Bloc.GOVERNMENT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("administrative unit"), on_delete=models.PROTECT, related_name="agencies"
    )
    headcount = models.PositiveIntegerField(_("headcount (biên chế)"))
    min_in_office = models.PositiveIntegerField(
        _("minimum in office"), help_text=_("Staff who must stay at the office (Directive 10/CT-UBND).")
    )
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="agency_unique_name_in_unit"),
            models.CheckConstraint(
                name="agency_min_in_office_le_headcount", condition=Q(min_in_office__lte=F("headcount"))
            ),
            models.CheckConstraint(name="agency_not_own_parent", condition=~Q(parent=F("pk"))),
            models.CheckConstraint(name="agency_kind_valid", condition=Q(kind__in=[k.value for k in AgencyKind])),
            models.CheckConstraint(name="agency_bloc_valid", condition=Q(bloc__in=[b.value for b in Bloc])),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = clean_text(self.name)
        self.search_name = fold(f"{self.name} {self.short_name}")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("places:agency_detail", args=[self.pk])


class HouseholdQuerySet(ScopedQuerySet):
    view_permission = "household.view"

    def scope_filter(self, user) -> Q:
        return unit_subtree_q(user, "neighbourhood__path")


class Household(models.Model):
    """A household (hộ gia đình) of a neighbourhood: who heads it, where, how to reach it. The registry that the
    community COVID teams (duty) and the welfare lists build on."""

    neighbourhood = models.ForeignKey(
        AdminUnit, verbose_name=_("neighbourhood"), on_delete=models.PROTECT, related_name="households"
    )
    head_name = models.CharField(_("head of household"), max_length=120)
    address = models.CharField(_("address"), max_length=300)
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    members = models.PositiveSmallIntegerField(_("members"), default=1)
    search_name = models.CharField(max_length=300, editable=False, db_index=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["neighbourhood__path", "address", "head_name"]
        constraints = [
            models.CheckConstraint(name="household_has_members", condition=Q(members__gte=1)),
            models.UniqueConstraint(
                fields=["neighbourhood", "head_name", "address"], name="household_unique_head_and_address"
            ),
        ]
        indexes = [models.Index(fields=["phone"], name="household_phone")]

    def __str__(self) -> str:
        return f"{self.head_name} · {self.address}"

    def save(self, *args, **kwargs) -> None:
        self.head_name = clean_text(self.head_name)
        self.address = clean_text(self.address)
        self.search_name = fold(f"{self.head_name} {self.address}")
        super().save(*args, **kwargs)

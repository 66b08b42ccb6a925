from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phaodai.accounts.roles import CITY_WIDE_ROLES, Role, role_has_perm
from phaodai.core.scope import ScopedQuerySet, agency_q, unit_subtree_q


class UserQuerySet(ScopedQuerySet):
    view_permission = "user.view"

    def scope_filter(self, user: "User") -> Q:
        # A user manager sees accounts whose scope lies inside their own unit subtree.
        return unit_subtree_q(user, "scope_unit__path") | agency_q(user, "scope_agency")


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in. The role says what they may do; scope_unit/scope_agency say over which rows."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.OBSERVER)
    scope_unit = models.ForeignKey(
        "places.AdminUnit",
        verbose_name=_("jurisdiction (unit)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("The user sees this unit and everything under it."),
    )
    scope_agency = models.ForeignKey(
        "places.Agency",
        verbose_name=_("jurisdiction (agency)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("The user sees this agency and the agencies directly under it."),
    )
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    staff_member = models.OneToOneField(
        "staff.StaffMember",
        verbose_name=_("civil servant record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user_account",
        help_text=_("The person this login belongs to: a mobilised person sees their own assignment."),
    )

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="user_role_valid",
                condition=Q(role__in=[r.value for r in Role]),
            ),
            models.CheckConstraint(
                name="user_scoped_unless_sysadmin",
                condition=Q(role=Role.SYSADMIN)
                | Q(scope_unit__isnull=False)
                | Q(scope_agency__isnull=False)
                | Q(is_superuser=True),
            ),
        ]

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role in CITY_WIDE_ROLES

    def has_role_perm(self, permission: str) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return role_has_perm(self.role, permission)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:user_detail", args=[self.pk])

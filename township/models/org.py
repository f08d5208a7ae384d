import pghistory
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import TownshipScoped

mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number, e.g. 13812345678.")
)


class Role(models.TextChoices):
    """Roles are auth groups named by these codes (created by a data migration)."""

    STAFF = "staff", _("Staff")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    LEADER_IN_CHARGE = "leader_in_charge", _("Leader in charge")
    PRINCIPAL_LEADER = "principal_leader", _("Principal leader")
    OFFICE_CLERK = "office_clerk", _("Party and Government Office clerk")
    FINANCE_CLERK = "finance_clerk", _("Finance clerk")
    INSPECTOR = "inspector", _("Discipline inspector")
    # The three administrators (三员分立, 等保 2.0 level 3): no account holds two of them
    # (township.roles).  The system administrator keeps the code "administrator".
    ADMINISTRATOR = "administrator", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    SECURITY_AUDITOR = "security_auditor", _("Security auditor")


# No account holds two of these (township.roles.R_SEC_1).
THREE_ADMINS = (Role.ADMINISTRATOR, Role.SECURITY_ADMIN, Role.SECURITY_AUDITOR)


class Category(models.TextChoices):
    """R-ORG-1: every cadre has one category; quotas depend on it."""

    SECTION_LEADER = "section_leader", _("Section-level leader")
    VILLAGE_RESIDENT = "village_resident", _("Village-resident cadre")
    OTHER_CADRE = "other_cadre", _("Other township cadre")
    VILLAGE_CADRE = "village_cadre", _("Village/community cadre")


class VillageKind(models.TextChoices):
    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")


@pghistory.track()
class County(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self):
        return self.name


@pghistory.track()
class Township(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, verbose_name=_("county"))
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    office_latitude = models.DecimalField(
        _("office latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    office_longitude = models.DecimalField(
        _("office longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="township_unique_name_in_county")
        ]

    def __str__(self):
        return self.name


@pghistory.track()
class Village(TownshipScoped):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=20, choices=VillageKind.choices, default=VillageKind.VILLAGE
    )
    code = models.SlugField(_("code"), max_length=30)

    class Meta:
        verbose_name = _("village/community")
        verbose_name_plural = _("villages/communities")
        ordering = ["township", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="village_unique_name"),
            models.UniqueConstraint(fields=["township", "code"], name="village_unique_code"),
        ]

    def __str__(self):
        return self.name


@pghistory.track()
class Department(TownshipScoped):
    """R-ORG-2: each department has a head and a leader in charge (分管领导)."""

    name = models.CharField(_("name"), max_length=100)
    head = models.ForeignKey(
        "township.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
        verbose_name=_("head"),
    )
    leader_in_charge = models.ForeignKey(
        "township.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="departments_in_charge",
        verbose_name=_("leader in charge"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["township", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="department_unique_name")]

    def __str__(self):
        return self.name


class TownshipUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(**{self.model.USERNAME_FIELD: username})


@pghistory.track(exclude=["password", "last_login"])
class User(AbstractUser):
    """A person of the county: a cadre of one township, or a county inspector/administrator
    (township empty) who reads across the county's townships."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, verbose_name=_("county"))
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("township"),
        help_text=_("Empty for county-level inspectors and administrators."),
    )
    full_name = models.CharField(_("full name"), max_length=50)
    employee_no = models.CharField(_("employee number"), max_length=30)
    # R-ORG-4: phones stay on 24 h, so a reachable mobile is required.
    mobile = models.CharField(_("mobile phone"), max_length=11, validators=[mobile_validator])
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("department"),
    )
    category = models.CharField(
        _("cadre category"),
        max_length=20,
        choices=Category.choices,
        default=Category.OTHER_CADRE,
    )
    position = models.CharField(_("position"), max_length=50, blank=True)
    first_employed_on = models.DateField(_("date of first employment"), null=True, blank=True)
    joined_on = models.DateField(_("joined the township on"), null=True, blank=True)
    villages = models.ManyToManyField(
        Village, blank=True, related_name="cadres", verbose_name=_("villages covered")
    )
    # Passwords (issue 14): an administrator's password is changed at the next sign-in, and any
    # password older than PASSWORD_MAX_AGE_DAYS too (township.passwords.PasswordPolicyMiddleware).
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when an administrator creates the account or resets its password."),
    )
    password_changed_at = models.DateTimeField(_("password changed at"), default=timezone.now)

    objects = TownshipUserManager()
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["township", "department", "employee_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "employee_no"], name="user_unique_employee_no_in_county"
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_absolute_url(self):
        return reverse("person_detail", args=[self.pk])

    def set_password(self, raw_password):
        # A password the person sets is theirs: the forced change is done and expiry starts
        # again.  (A hash upgraded at login saves the password field only, so neither moves.)
        # Administrators' doors set must_change_password again afterwards (township.admin).
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()
        self.must_change_password = False

    @property
    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            if not self.is_authenticated:
                return frozenset()
            cached = frozenset(self.groups.values_list("name", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser and Role.ADMINISTRATOR in roles or bool(self.role_codes.intersection(roles))

    @property
    def is_county_level(self) -> bool:
        return self.township_id is None

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.import_export.forms import ExportForm, ImportForm

from township.admin_site import ScopedFormsMixin, is_county_admin, people_q, sees_everything
from township.models import (
    ApprovalRequest,
    CalendarOverride,
    County,
    Department,
    Finding,
    PolicyValue,
    Role,
    RoleGrant,
    RuleOverride,
    Township,
    User,
    Village,
)
from township.scoping import township_ids_for


class AdminLogMixin:
    """Deleting many rows at once is logged by the admin with bulk_create, which sends no
    post_save: record those in the security log here (single actions: township.signals)."""

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        if isinstance(entries, list) and len(entries) > 1:
            from township.audit import admin_action_record

            for entry in entries:
                admin_action_record(entry)
        return entries


class ScopedAdmin(AdminLogMixin, ScopedFormsMixin, ModelAdmin):
    """Admin lists are scoped to the user's townships like every page; so are the choices of
    every form field (township.admin_site.ScopedFormsMixin)."""

    township_path = "township_id"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser and request.user.township_id is None:
            return qs
        return qs.filter(**{f"{self.township_path}__in": township_ids_for(request.user)})


class ReadOnlyAdmin(ScopedAdmin):
    """Records written only through services: the admin shows them and their history."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(County)
class CountyAdmin(ScopedAdmin):
    """The user's own county; only county-level accounts change it, only superusers add one."""

    township_path = "township"
    search_fields = ["name"]

    def get_queryset(self, request):
        qs = ModelAdmin.get_queryset(self, request)
        return qs if sees_everything(request.user) else qs.filter(pk=request.user.county_id)

    def has_add_permission(self, request):
        return sees_everything(request.user)

    def has_change_permission(self, request, obj=None):
        return is_county_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return sees_everything(request.user)


@admin.register(Township)
class TownshipAdmin(ScopedAdmin):
    """A township administrator edits their township's details; only county-level accounts add
    or delete townships."""

    township_path = "id"
    list_display = ["name", "code", "county"]

    def has_add_permission(self, request):
        return is_county_admin(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return is_county_admin(request.user) and super().has_delete_permission(request, obj)


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ["name", "township", "head", "leader_in_charge", "order"]
    list_filter = ["township"]


@admin.register(Village)
class VillageAdmin(ScopedAdmin):
    list_display = ["name", "kind", "code", "township"]
    list_filter = ["township", "kind"]
    search_fields = ["name"]


class RoleGrantInline(TabularInline):
    """The person's role history (township.security records every grant and revocation)."""

    model = RoleGrant
    fk_name = "person"
    fields = ["at", "action", "role", "actor"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("Role grants and revocations")
    classes = ["role-grants"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PersonScopeFormMixin:
    """The department and villages of a person belong to the person's township, which belongs to
    the person's county.  The roles asked for are within the acting user's reach and keep the
    separation of the three administrators (township.roles.roles_check; the error goes on the
    roles field)."""

    actor = None  # set by UserAdmin.get_form

    def clean(self):
        data = super().clean()
        groups = data.get("groups")
        if groups is not None and self.actor is not None:
            from township.roles import roles_check

            try:
                roles_check(actor=self.actor, person=self.instance, roles=[g.name for g in groups])
            except ValidationError as exc:
                self.add_error("groups", exc)
        township, county = data.get("township"), data.get("county")
        if township and county and township.county_id != county.pk:
            self.add_error("township", _("Choose a township of the person's county."))
        township_id = township.pk if township else None
        department = data.get("department")
        if department and department.township_id != township_id:
            self.add_error("department", _("Choose a department of the person's township."))
        villages = data.get("villages")
        if villages and any(v.township_id != township_id for v in villages):
            self.add_error("villages", _("Choose villages of the person's township."))
        return data


class AdministratorSetPasswordForm(AdminPasswordChangeForm):
    """A password an administrator sets is changed by its owner at the next sign-in."""

    def save(self, commit=True):
        user = super().save(commit=False)
        user.must_change_password = True
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin, ImportExportModelAdmin, ScopedAdmin):
    """People.  A township administrator manages the people of their own township only: the
    township is forced to theirs, the department, village and role choices are their township's,
    superuser is not theirs to give and staff (admin access) follows the roles.  Only county-level
    accounts (township.admin_site.is_county_admin) make people without a township, grant roles
    outside Role or the superuser flag.  Every role change is recorded (RoleGrant)."""

    import_form_class = ImportForm
    export_form_class = ExportForm
    change_password_form = AdministratorSetPasswordForm
    list_display = ["employee_no", "full_name", "department", "category", "mobile", "is_active"]
    list_filter = ["township", "category", "is_active", "groups"]
    search_fields = ["full_name", "employee_no", "mobile", "username"]
    ordering = ["township", "employee_no"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Person"),
            {
                "fields": (
                    "full_name",
                    "employee_no",
                    "mobile",
                    "email",
                    "county",
                    "township",
                    "department",
                    "category",
                    "position",
                    "first_employed_on",
                    "joined_on",
                    "villages",
                )
            },
        ),
        (_("Roles and access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "username",
                    "password1",
                    "password2",
                    "full_name",
                    "employee_no",
                    "mobile",
                    "county",
                    "township",
                    "department",
                    "category",
                )
            },
        ),
    )
    filter_horizontal = ["groups", "villages"]
    actions = ["end_sessions"]

    def get_inlines(self, request, obj):
        return [RoleGrantInline] if obj is not None else []  # a new person has no history yet

    def get_queryset(self, request):
        qs = ModelAdmin.get_queryset(self, request)
        return qs if sees_everything(request.user) else qs.filter(people_q(request.user))

    def get_readonly_fields(self, request, obj=None):
        # Staff (admin access) follows the roles (save_related); superuser only from the county.
        fixed = ["is_staff"] if is_county_admin(request.user) else ["is_staff", "is_superuser"]
        if obj is not None and self.roles_only(request):
            # The security administrator changes roles only, not people's other fields.
            return [
                f for name, opts in self.fieldsets for f in opts["fields"] if f not in ("groups", "password")
            ]
        return [*super().get_readonly_fields(request, obj), *fixed]

    @staticmethod
    def roles_only(request) -> bool:
        """A security administrator (not a system administrator, not the superuser): roles only."""
        user = request.user
        return not user.is_superuser and not user.has_role(Role.ADMINISTRATOR)

    def has_import_permission(self, request):
        return self.has_add_permission(request) and super().has_import_permission(request)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        fields, user = form.base_fields, request.user
        if "county" in fields:
            fields["county"].initial = user.county_id
        if "township" in fields and not is_county_admin(user):
            fields["township"].required = True
            fields["township"].empty_label = None
            fields["township"].initial = user.township_id
        return type(form.__name__, (PersonScopeFormMixin, form), {"actor": user})

    def save_model(self, request, obj, form, change):
        user = request.user
        if change and self.roles_only(request):
            return super().save_model(request, obj, form, change)  # every other field is read-only
        if not sees_everything(user):
            obj.county_id = user.county_id
        if not is_county_admin(user):
            obj.township_id = user.township_id  # whatever was posted
            if not change:
                obj.is_superuser = False
        if not change:
            obj.must_change_password = True  # an administrator chose it: its owner changes it
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """The roles go through the roles service (reach, separation, RoleGrant records by this
        user, staff flag), the rest as the admin saves it."""
        from township.roles import STAFF_ROLES, person_roles_set

        groups = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        person = form.instance
        if groups is not None:
            person_roles_set(actor=request.user, person=person, roles=[g.name for g in groups])
        else:
            staff = person.is_superuser or person.groups.filter(name__in=STAFF_ROLES).exists()
            if person.is_staff != staff:
                person.is_staff = staff
                person.save(update_fields=["is_staff"])

    def has_end_sessions_permission(self, request):
        """Ending sessions is the security administrator's (三员分立)."""
        return request.user.is_superuser or request.user.has_role(Role.SECURITY_ADMIN)

    @admin.action(
        description=_("End the sessions of the selected people (sign them out)"), permissions=["end_sessions"]
    )
    def end_sessions(self, request, queryset):
        from township.security import sessions_end

        n = sum(sessions_end(user=person, actor=request.user) for person in queryset)
        self.message_user(request, _("%(n)d sessions ended.") % {"n": n})

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"actor": request.user}

    def get_resource_classes(self, request):
        from township.resources import PersonResource

        return [PersonResource]


@admin.register(PolicyValue)
class PolicyValueAdmin(ReadOnlyAdmin):
    """Changed on the settings page (policy_set checks the role and audits); shown here."""

    township_path = "county__township"
    list_display = ["key", "year", "township", "value", "changed_by", "changed_at"]
    list_filter = ["year", "key"]

    def get_queryset(self, request):
        return ModelAdmin.get_queryset(self, request).filter(county_id=request.user.county_id)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ReadOnlyAdmin):
    """Changed on the work-calendar page (calendar_override_set checks the role and recomputes the
    statuses of a past day that changed); shown here."""

    list_display = ["date", "is_working_day", "township", "note"]

    def get_queryset(self, request):
        return ModelAdmin.get_queryset(self, request).filter(county_id=request.user.county_id)


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin):
    list_display = ["summary_shown", "kind", "requester", "status", "submitted_at", "decided_at"]
    list_filter = ["kind", "status"]

    @admin.display(description=_("summary"))
    def summary_shown(self, obj):
        return obj.summary_text  # in the reader's language


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["rule_id", "on_date", "person", "department", "detail_shown", "status"]
    list_filter = ["rule_id", "status"]
    search_fields = ["detail"]

    @admin.display(description=_("detail"))
    def detail_shown(self, obj):
        return obj.text  # in the reader's language


@admin.register(RuleOverride)
class RuleOverrideAdmin(ReadOnlyAdmin):
    list_display = ["rule_id", "actor", "reason", "created_at"]
    list_filter = ["rule_id"]


# --- lockouts (django-axes), the security administrator's ------------------------------------------

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin  # noqa: E402
from axes.models import AccessAttempt, AccessFailureLog  # noqa: E402


class ScopedLockoutMixin(AdminLogMixin):
    """Lockouts of the people the user manages (by user name; a county-level account also sees
    attempts on names no one has); deleting an attempt unlocks that user name and IP."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        user = request.user
        if sees_everything(user):
            return qs
        names = User.objects.filter(people_q(user)).values("username")
        if user.township_id is None:
            return qs.exclude(username__in=User.objects.exclude(people_q(user)).values("username"))
        return qs.filter(username__in=names)


admin.site.unregister(AccessAttempt)
admin.site.unregister(AccessFailureLog)


@admin.register(AccessAttempt)
class TownshipAccessAttemptAdmin(ScopedLockoutMixin, AccessAttemptAdmin):
    pass


@admin.register(AccessFailureLog)
class TownshipAccessFailureLogAdmin(ScopedLockoutMixin, AccessFailureLogAdmin):
    pass

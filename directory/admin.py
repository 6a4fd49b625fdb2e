"""The operator's back office for the directory."""

from django.contrib import admin

from directory import audit
from directory.models import AuditEntry, Cluster, Company, Contact, Establishment, Membership


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "role", "email", "phone", "consent_at"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["company", "establishment"]
    fields = ["company", "establishment", "role", "started_on", "is_demo"]


class AuditedAdmin(admin.ModelAdmin):
    """Changes made in the admin are recorded like those made elsewhere."""

    def save_related(self, request, form, formsets, change):
        # After the many-to-many fields and inlines are saved, so the values are final.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        own = {f.name for f in obj._meta.get_fields()}
        changes = audit.snapshot(obj, [n for n in form.changed_data if n in own])
        for formset in formsets:
            for added in formset.new_objects:
                audit.record(request.user, "create", added, {"admin": str(added)})
            for changed, fields in formset.changed_objects:
                audit.record(request.user, "update", changed, {"admin": fields})
            for deleted in formset.deleted_objects:
                changes.setdefault("deleted", []).append(str(deleted))
        audit.record(request.user, "update" if change else "create", obj, {"admin": changes})

    def delete_model(self, request, obj):
        audit.record(request.user, "delete", obj, {"admin": str(obj)})
        super().delete_model(request, obj)


@admin.register(Cluster)
class ClusterAdmin(AuditedAdmin):
    list_display = ["name", "acronym", "kind", "commune", "visibility", "is_demo", "updated_at"]
    list_filter = ["kind", "visibility", "is_demo", "provenance", "regions", "main_filiere"]
    search_fields = ["name", "acronym", "slug", "siren"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["commune"]
    filter_horizontal = ["regions", "filieres"]
    inlines = [ContactInline, MembershipInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "email", "cluster", "consent_at"]
    search_fields = ["name", "email", "cluster__name"]
    list_filter = ["cluster__kind"]
    autocomplete_fields = ["cluster"]


@admin.register(Company)
class CompanyAdmin(AuditedAdmin):
    list_display = ["name", "siren", "naf", "headcount_band", "commune", "active", "is_demo"]
    list_filter = ["active", "is_demo", "provenance", "headcount_band", "commune__region"]
    search_fields = ["name", "siren"]
    raw_id_fields = ["naf", "commune"]


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ["siret", "name", "company", "is_head_office", "commune", "active"]
    list_filter = ["is_head_office", "active", "is_demo", "commune__region"]
    search_fields = ["siret", "name", "company__name", "company__siren"]
    autocomplete_fields = ["company"]
    raw_id_fields = ["naf", "commune"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["cluster", "company", "role", "started_on", "is_demo"]
    list_filter = ["role", "is_demo", "provenance", "cluster__kind"]
    search_fields = ["cluster__name", "company__name", "company__siren"]
    autocomplete_fields = ["cluster", "company", "establishment"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is only ever appended to."""

    list_display = ["at", "user", "action", "object_type", "object_id", "cluster"]
    list_filter = ["action", "object_type", "at"]
    search_fields = ["object_id", "user__username", "user__email", "cluster__name"]
    date_hierarchy = "at"
    readonly_fields = ["at", "user", "action", "object_type", "object_id", "cluster", "changes"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

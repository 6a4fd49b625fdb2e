from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from showcase import services
from showcase.models import Example


@admin.register(Example)
class ExampleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "category",
        "filiere",
        "region_label",
        "region_unmapped",
        "provenance",
    ]
    list_filter = ["status", "category", "provenance", "region_unmapped", "is_demo", "filiere"]
    search_fields = ["title", "description", "filiere_label", "region_label"]
    filter_horizontal = ["regions"]
    raw_id_fields = ["cluster", "submitted_by", "moderated_by"]
    readonly_fields = ["seed_key", "source_ref", "moderated_by", "moderated_at", "created_at"]
    actions = ["publish", "reject"]

    @admin.action(description=_("Publier les exemples choisis"))
    def publish(self, request, queryset):
        for example in queryset:
            services.moderate(example, user=request.user, publish=True)

    @admin.action(description=_("Refuser les exemples choisis"))
    def reject(self, request, queryset):
        for example in queryset:
            services.moderate(example, user=request.user, publish=False)

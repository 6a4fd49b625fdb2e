from django.contrib import admin

from accounts.models import ApiToken, Invitation, Role


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "cluster", "company", "institution"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__email", "cluster__name", "company__name"]
    autocomplete_fields = ["user", "cluster", "company"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owner on /compte/; here they can only be revoked."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username", "user__email"]
    readonly_fields = ["user", "name", "prefix", "digest", "created_at", "last_used_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Révoquer les jetons choisis")
    def revoke(self, request, queryset):
        from django.utils import timezone

        n = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{n} jeton(s) révoqué(s).")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "cluster", "company", "created_at", "expires_at",
                    "accepted_at"]  # fmt: skip
    list_filter = ["kind", "accepted_at"]
    search_fields = ["email", "cluster__name", "company__name"]
    readonly_fields = ["digest", "invited_by", "created_at", "accepted_at", "user"]
    autocomplete_fields = ["cluster", "company"]

    def has_add_permission(self, request):
        # The link's token is shown only in the e-mail: invite from /compte/invitations/.
        return False

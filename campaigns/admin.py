from django.contrib import admin

from campaigns.models import Campaign, Invitation


class InvitationInline(admin.TabularInline):
    model = Invitation
    fields = ["cluster", "email", "sent_at", "reminders", "response"]
    readonly_fields = ["sent_at", "reminders", "response"]
    raw_id_fields = ["cluster"]
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "opens_at", "closes_at", "closed_at"]
    inlines = [InvitationInline]
    raw_id_fields = ["created_by"]

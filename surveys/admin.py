"""Operators edit barometers' publication, report text and headline templates here."""

from django.contrib import admin

from surveys.models import HeadlineFigure, ImportRun, Response, Survey, SurveyVersion


class HeadlineInline(admin.TabularInline):
    model = HeadlineFigure
    extra = 0
    fields = ("order", "section", "question", "choice", "template", "rounding", "decimal_separator")


class VersionInline(admin.TabularInline):
    model = SurveyVersion
    extra = 0
    fields = ("number", "form_version", "xlsform_name", "created_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("slug", "title", "published", "is_demo", "created_at")
    list_filter = ("published", "is_demo")
    search_fields = ("slug", "title")
    inlines = [HeadlineInline, VersionInline]
    fields = (
        "slug",
        "title",
        "organisation",
        "period",
        "description",
        "published",
        "is_demo",
        "data_note",
        "report",
    )


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("pk", "survey", "cluster", "status", "source", "external_uuid", "submitted_at")
    list_filter = ("survey", "status", "source")
    search_fields = ("external_uuid",)
    raw_id_fields = ("cluster",)
    readonly_fields = ("version", "created_at", "updated_at")


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("at", "survey", "filename", "created", "updated", "unchanged", "rejected")
    readonly_fields = [f.name for f in ImportRun._meta.fields]

"""Admin over the scoped querysets: masked identifiers only, read-only (writes go through services)."""

from django.contrib import admin

from .models import ImportJob, Talent, TalentHistory


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Talent)
class TalentAdmin(ReadOnlyAdmin):
    list_display = ["name", "id_masked", "mobile_masked", "region", "education", "title", "employer_name", "tier",
                    "introduced_on"]
    list_filter = ["education", "tier", "title_level", "introduction_mode"]
    search_fields = ["name", "employer_name"]
    show_full_result_count = False
    list_select_related = ["region"]
    # pii and the keyed hashes are never shown, not even to superusers: unmasking happens in the app, audited.
    exclude = ["pii", "id_hash", "mobile_hash", "pii_key"]
    readonly_fields = ["id_masked", "mobile_masked"]

    def get_queryset(self, request):
        return Talent.objects.visible_to(request.user)


@admin.register(TalentHistory)
class TalentHistoryAdmin(ReadOnlyAdmin):
    list_display = ["talent", "changed_at", "actor_name", "source"]
    list_select_related = ["talent"]
    show_full_result_count = False

    def get_queryset(self, request):
        return TalentHistory.objects.filter(talent__in=Talent.objects.visible_to(request.user))


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["id", "filename", "created_by", "created_at", "status", "total_rows", "created_count",
                    "updated_count", "error_count"]
    exclude = ["stored_path", "report_path"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(created_by=request.user)

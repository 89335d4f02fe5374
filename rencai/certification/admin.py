"""Read-only admin over the scoped querysets; every change goes through services (review, publish, revoke…)."""

from django.contrib import admin

from rencai.talents.admin import ReadOnlyAdmin

from .models import Application, BlacklistEntry, CatalogueVersion, Certification


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(ReadOnlyAdmin):
    list_display = ["catalogue", "label", "status", "effective_from", "published_at"]
    list_filter = ["status"]

    def get_queryset(self, request):
        return CatalogueVersion.objects.visible_to(request.user).select_related("catalogue")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["id", "talent_masked", "region", "requested_tier", "suggested_tier", "status", "level_due",
                    "publicity_end"]
    list_filter = ["status", "requested_tier"]
    exclude = ["facts"]
    show_full_result_count = False

    @admin.display(description="人才")
    def talent_masked(self, obj):
        return f"{obj.talent.name}({obj.talent.id_masked})"

    def get_queryset(self, request):
        return Application.objects.visible_to(request.user).select_related("talent", "region")


@admin.register(Certification)
class CertificationAdmin(ReadOnlyAdmin):
    list_display = ["certificate_no", "talent_masked", "region", "tier", "certified_on", "valid_until", "status"]
    list_filter = ["status", "tier"]
    show_full_result_count = False

    @admin.display(description="人才")
    def talent_masked(self, obj):
        return f"{obj.talent.name}({obj.talent.id_masked})"

    def get_queryset(self, request):
        return Certification.objects.visible_to(request.user).select_related("talent", "region")


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "talent_masked", "region", "starts_on", "ends_on", "status"]
    list_filter = ["status"]

    @admin.display(description="人才")
    def talent_masked(self, obj):
        return f"{obj.talent.name}({obj.talent.id_masked})"

    def get_queryset(self, request):
        return BlacklistEntry.objects.visible_to(request.user).select_related("talent", "region")

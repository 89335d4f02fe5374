from django.contrib import admin

from .models import MetricBinding, OpenDataRelease, ReportJob


@admin.register(MetricBinding)
class MetricBindingAdmin(admin.ModelAdmin):
    """Read-only here: bindings are set through the targets page (services.metric_bind), which audits them."""

    list_display = ("target", "value", "computed_at", "error")
    readonly_fields = [f.name for f in MetricBinding._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ("pk", "year", "scope", "status", "progress", "created_by", "created_at")
    list_filter = ("status", "year")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OpenDataRelease)
class OpenDataReleaseAdmin(admin.ModelAdmin):
    list_display = ("region", "published_at", "threshold", "suppressed_cells", "published_by")
    exclude = ("tables",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

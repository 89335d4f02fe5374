from django.contrib import admin

from . import permissions
from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the application never edits or deletes audit entries."""

    list_display = ["seq", "created_at", "actor_name", "ip", "action", "object_type", "object_id", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_repr", "object_id", "request_id"]

    def has_view_permission(self, request, obj=None):
        return permissions.can_view_audit(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

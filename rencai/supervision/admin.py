from django.contrib import admin

from .models import SupervisionNotice, Task


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    """Read-only in the admin: tasks change through publish, plans and reports, each audited."""

    list_display = ["number", "title", "policy", "status", "progress", "due_date"]
    list_filter = ["status", "state"]
    search_fields = ["title"]

    def get_queryset(self, request):
        return Task.objects.visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(admin.ModelAdmin):
    list_display = ["number", "task", "unit", "response_due", "responded_at", "escalation_level"]

    def get_queryset(self, request):
        return SupervisionNotice.objects.filter(task__in=Task.objects.visible_to(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

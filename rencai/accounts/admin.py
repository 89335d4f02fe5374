from django.contrib import admin

from . import permissions
from .models import ApiToken, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "full_name", "is_active", "locked_until", "last_login"]
    search_fields = ["username", "full_name"]
    fields = ["username", "full_name", "email", "is_active", "locked_until", "last_login", "date_joined"]
    readonly_fields = ["username", "last_login", "date_joined", "locked_until"]

    def has_module_permission(self, request):
        return permissions.can_manage_users(request.user)

    has_view_permission = lambda self, request, obj=None: permissions.can_manage_users(request.user)  # noqa: E731
    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return False  # users are created through the user page, which validates the password policy

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked"]
    readonly_fields = ["prefix", "key_hash", "user", "created_at", "last_used_at"]

    def has_module_permission(self, request):
        return permissions.can_manage_users(request.user)

    has_view_permission = lambda self, request, obj=None: permissions.can_manage_users(request.user)  # noqa: E731

    def has_add_permission(self, request):
        return False

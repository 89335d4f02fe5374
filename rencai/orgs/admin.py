"""Admin over the same scoped querysets and services as the UI: no write bypasses scope or audit."""

from django.contrib import admin

from rencai.core.exceptions import ApplicationError

from . import services
from .models import Membership, OrgUnit, OrgUnitAlias


class ScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return self.model.objects.visible_to(request.user)


@admin.register(OrgUnit)
class OrgUnitAdmin(ScopedAdmin):
    list_display = ["name", "short_name", "code", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code"]
    readonly_fields = ["path", "depth", "region"]
    fields = ["code", "name", "short_name", "kind", "parent", "sort_order", "is_active", "path", "region"]

    def save_model(self, request, obj, form, change):
        try:
            if change:
                data = {f: form.cleaned_data[f] for f in form.changed_data if f in {"code", "name", "short_name", "kind", "sort_order", "is_active", "parent"}}
                services.org_unit_update(actor=request.user, unit=OrgUnit.objects.get(pk=obj.pk), **data)
            else:
                created = services.org_unit_create(actor=request.user, code=obj.code, name=obj.name, kind=obj.kind,
                                                   parent=obj.parent, short_name=obj.short_name, sort_order=obj.sort_order)
                obj.pk = created.pk
        except ApplicationError as exc:
            from django.contrib import messages

            messages.error(request, exc.message)

    def has_delete_permission(self, request, obj=None):
        return False  # units are deactivated, never deleted: tasks and talents refer to them


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(OrgUnitAlias)
class OrgUnitAliasAdmin(ScopedAdmin):
    list_display = ["name", "unit", "city"]
    search_fields = ["name"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

"""Loads the demo org structure and demo users (idempotent: a second run changes nothing)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from . import services
from .choices import UnitKind
from .demo_data import CITIES, DEMO_PASSWORD, DEMO_USERS, DISTRICT_UNITS
from .models import OrgUnit


def _ensure_unit(code, name, kind, parent, short_name="", aliases=(), sort_order=0) -> tuple[OrgUnit, bool]:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit:
        return unit, False
    return services.org_unit_create(actor=None if parent is None else None, code=code, name=name, kind=kind,
                                    parent=parent, short_name=short_name, aliases=list(aliases),
                                    sort_order=sort_order, audit=False), True


@transaction.atomic
def load(*, stdout=None, **options) -> dict:
    from rencai.audit.services import audit_record

    created_units = 0
    for order, city_data in enumerate(CITIES):
        city = OrgUnit.objects.filter(code=city_data["code"]).first()
        if city is None:
            city = OrgUnit.objects.create(code=city_data["code"], name=city_data["name"], short_name=city_data["short"],
                                          kind=city_data["kind"], sort_order=order)
            services._place(city)
            city.save(update_fields=["path", "depth", "region"])
            created_units += 1
        for i, (suffix, name, short, kind, aliases) in enumerate(city_data["units"]):
            _, created = _ensure_unit(f"{city.code}-{suffix}", name, kind, city, short, aliases, i)
            created_units += created
        for i, district_name in enumerate(city_data["districts"], start=1):
            dcode = f"{city.code}-D{i:02d}"
            district, created = _ensure_unit(dcode, district_name, UnitKind.DISTRICT, city, "", (), 100 + i)
            created_units += created
            for j, (suffix, tail, short, kind) in enumerate(DISTRICT_UNITS):
                _, created = _ensure_unit(f"{dcode}-{suffix}", district_name + tail, kind, district, short, (), j)
                created_units += created
        for name, rule, member_codes in city_data["groups"]:
            if not city.unit_groups.filter(name=name).exists():
                members = list(OrgUnit.objects.filter(code__in=[f"{city.code}-{c}" for c in member_codes]))
                group = city.unit_groups.create(name=name, rule=rule)
                group.members.set(members)
    User = get_user_model()
    created_users = 0
    for username, full_name, role, unit_code in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name, is_superuser=role == "system_admin",
                        is_staff=role == "system_admin")
            user.set_password(DEMO_PASSWORD)
            user.save()
            created_users += 1
        unit = OrgUnit.objects.get(code=unit_code) if unit_code else None
        services.membership_assign(actor=None, user=user, unit=unit, role=role)
    if created_units or created_users:
        audit_record(actor=None, actor_name="rencai demo", action="demo.load", object_type="orgs.orgunit",
                     extra={"units": created_units, "users": created_users})
    if stdout is not None:
        stdout.write(f"组织机构:新增 {created_units} 个;演示用户:新增 {created_users} 个。")
    return {"units": created_units, "users": created_users}

"""Builds a published policy's tasks directly (the publish flow itself is tested in policies)."""

from __future__ import annotations

from datetime import date

from rencai.orgs.models import OrgUnit
from rencai.supervision.choices import AssignmentRole
from rencai.supervision.models import Task, TaskAssignment, TaskTarget


def make_policy(region: OrgUnit, title: str = "关于进一步推进人才优先发展的30条措施"):
    from rencai.policies.models import PolicyDocument

    fields = {f.name for f in PolicyDocument._meta.get_fields()}
    data = {"title": title}
    for name in ("city", "region", "owner", "unit"):
        if name in fields:
            data[name] = region
            break
    if "status" in fields:
        data["status"] = "published"
    if "sha256" in fields:
        data["sha256"] = str(abs(hash((title, region.pk))))
    return PolicyDocument.objects.create(**data)


def make_task(policy, region, number: int, lead: str, co: tuple[str, ...] = (), *, targets=(), title=None,
              start=date(2018, 1, 1), due=date(2018, 12, 31)) -> Task:
    task = Task.objects.create(policy=policy, region=region, number=number, title=title or f"任务{number}",
                               body=f"任务{number}的内容", start_date=start, due_date=due,
                               external_id=f"{policy.pk}-{number}")
    for i, code in enumerate((lead, *co)):
        TaskAssignment.objects.create(task=task, unit=OrgUnit.objects.get(code=code),
                                      role=AssignmentRole.LEAD if i == 0 else AssignmentRole.CO, sort_order=i)
    for i, (metric, value, unit, period) in enumerate(targets):
        TaskTarget.objects.create(task=task, text=f"{period}{metric}{value}{unit}", metric=metric, value=value,
                                  unit=unit, period=period, sort_order=i)
    return task

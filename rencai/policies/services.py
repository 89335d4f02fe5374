"""Upload, review and publish of policy documents. Publishing is one transaction: tasks, assignments, targets."""

from __future__ import annotations

import copy
import hashlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from rencai.audit.services import audit_record
from rencai.core.exceptions import ApplicationError, PermissionDenied
from rencai.orgs import services as org_services
from rencai.orgs.choices import UnitKind
from rencai.orgs.models import OrgUnit
from rencai.orgs.selectors import city_of

from . import permissions, selectors
from .models import PolicyDocument, PolicyStatus
from .parser import ParseError, parse_document, read_document

EDITABLE = {"title", "body", "lead_unit", "units", "unit_groups", "targets"}


def _require(actor, document_or_region):
    region = getattr(document_or_region, "region", document_or_region)
    if not permissions.can_manage_policies(actor, region):
        raise PermissionDenied("您无权上传或审核该地区的政策文件。")


@transaction.atomic
def policy_upload(*, actor, region: OrgUnit, data: bytes, filename: str, max_bytes: int | None = None
                  ) -> tuple[PolicyDocument, bool]:
    """Read and parse an upload into a draft. Identical bytes for the same region return the existing document;
    the same title again is stored as the next version of that policy."""
    from django.conf import settings

    _require(actor, region)
    digest = hashlib.sha256(data).hexdigest()
    existing = PolicyDocument.objects.filter(region=region, sha256=digest).first()
    if existing:
        return existing, False
    try:
        read = read_document(data, filename, max_bytes=max_bytes or settings.RENCAI_UPLOAD_MAX_BYTES)
        parsed = parse_document(read.text)
    except ParseError as exc:
        raise ApplicationError(exc.message, code=exc.code) from None
    from .parser import clean_text

    previous = (PolicyDocument.objects.filter(region=region, title=parsed["title"]).exclude(status=PolicyStatus.SUPERSEDED)
                .order_by("-version").first())
    document = PolicyDocument.objects.create(
        region=region, title=parsed["title"][:300] or filename[:300], source_filename=filename[:255],
        source_format=read.format, sha256=digest, version=(previous.version + 1) if previous else 1,
        previous_version=previous, text=clean_text(read.text).text, parsed=parsed,
        warnings=[*read.warnings, *parsed.get("warnings", [])],
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(actor=actor, action="policies.document.upload", obj=document,
                 extra={"filename": filename[:100], "tasks": len(parsed["tasks"]), "version": document.version})
    return document, True


def _task(parsed: dict, number: int) -> dict:
    for task in parsed["tasks"]:
        if task["number"] == number:
            return task
    raise ApplicationError(f"没有第 {number} 项任务。", code="no_task")


def _clean_list(values) -> list[str]:
    out = []
    for v in values or []:
        v = str(v).strip()
        if v and v not in out:
            out.append(v)
    return out


def _clean_targets(targets) -> list[dict]:
    out = []
    for i, t in enumerate(targets or [], start=1):
        try:
            value = Decimal(str(t.get("value")))
            value_max = Decimal(str(t["value_max"])) if t.get("value_max") not in (None, "") else None
        except Exception:
            raise ApplicationError(f"第 {i} 个目标的数值“{t.get('value')}”不是数字。", code="bad_target") from None
        if value_max is not None and value_max < value:
            raise ApplicationError(f"第 {i} 个目标的上限小于下限。", code="bad_target")
        item = {"text": str(t.get("text") or "")[:300], "metric": str(t.get("metric") or "")[:200],
                "value": float(value) if value % 1 else int(value), "unit": str(t.get("unit") or "")[:10],
                "qualifier": (t.get("qualifier") or None), "period": (t.get("period") or None)}
        if value_max is not None:
            item["value_max"] = float(value_max) if value_max % 1 else int(value_max)
        if not item["metric"]:
            raise ApplicationError(f"第 {i} 个目标缺少指标名称。", code="bad_target")
        out.append(item)
    return out


def _save_parsed(actor, document, parsed, action, extra):
    if document.status != PolicyStatus.DRAFT:
        raise ApplicationError("已发布的文件不能再修改;如需调整,请上传新版本。", code="published")
    document.parsed = parsed
    document.save(update_fields=["parsed", "updated_at"])
    audit_record(actor=actor, action=action, obj=document, extra=extra)
    return document


@transaction.atomic
def policy_task_update(*, actor, document: PolicyDocument, number: int, changes: dict) -> PolicyDocument:
    """Correct one task of the working copy (title, body, lead, units, groups, targets)."""
    _require(actor, document)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ApplicationError(f"不能修改:{'、'.join(sorted(unknown))}", code="bad_field")
    parsed = copy.deepcopy(document.parsed)
    task = _task(parsed, number)
    before = {k: task.get(k) for k in changes}
    if "title" in changes:
        if not str(changes["title"]).strip():
            raise ApplicationError("任务名称不能为空。", code="bad_title")
        task["title"] = str(changes["title"]).strip()[:300]
    if "body" in changes:
        task["body"] = str(changes["body"])
    if "units" in changes:
        task["units"] = _clean_list(changes["units"])
    if "unit_groups" in changes:
        task["unit_groups"] = _clean_list(changes["unit_groups"])
    if "targets" in changes:
        task["targets"] = _clean_targets(changes["targets"])
    lead = changes.get("lead_unit", task.get("lead_unit"))
    if lead and lead not in task["units"]:
        task["units"].insert(0, lead)
    if lead:
        task["units"] = [lead, *[u for u in task["units"] if u != lead]]
    task["lead_unit"] = lead if task["units"] else None
    return _save_parsed(actor, document, parsed, "policies.document.edit_task",
                        {"task": number, "fields": sorted(changes), "before": before})


@transaction.atomic
def policy_lead_rule_confirm(*, actor, document: PolicyDocument) -> PolicyDocument:
    """The reviewer confirms that the first-listed unit leads (the document states no rule)."""
    _require(actor, document)
    parsed = copy.deepcopy(document.parsed)
    parsed["lead_rule_confirmed"] = True
    return _save_parsed(actor, document, parsed, "policies.document.confirm_lead_rule", {})


@transaction.atomic
def policy_task_merge(*, actor, document: PolicyDocument, number: int) -> PolicyDocument:
    """Merge task `number` with the next one (the parser split one task in two)."""
    _require(actor, document)
    parsed = copy.deepcopy(document.parsed)
    tasks = parsed["tasks"]
    index = tasks.index(_task(parsed, number))
    if index + 1 >= len(tasks):
        raise ApplicationError("最后一项任务没有可合并的下一项。", code="no_next")
    first, second = tasks[index], tasks.pop(index + 1)
    first["body"] = "\n".join(x for x in (first.get("body"), second["title"] + "。" + second.get("body", "")) if x)
    first["units"] = _clean_list(first["units"] + second["units"])
    first["unit_groups"] = _clean_list(first["unit_groups"] + second["unit_groups"])
    first["targets"] = first.get("targets", []) + second.get("targets", [])
    for later in tasks[index + 1:]:
        later["number"] -= 1
    return _save_parsed(actor, document, parsed, "policies.document.merge_tasks", {"task": number})


@transaction.atomic
def policy_task_split(*, actor, document: PolicyDocument, number: int, at: str) -> PolicyDocument:
    """Split task `number` before the sentence starting with `at` (the parser merged two tasks)."""
    _require(actor, document)
    parsed = copy.deepcopy(document.parsed)
    tasks = parsed["tasks"]
    task = _task(parsed, number)
    body = task.get("body", "")
    position = body.find(at) if at else -1
    if position <= 0:
        raise ApplicationError("在任务内容中找不到拆分位置,请复制新任务开头的一句话。", code="bad_split")
    rest = body[position:]
    title, _, tail = rest.partition("。")
    new = {"number": number + 1, "section": task.get("section"), "section_path": task.get("section_path", []),
           "title": title.strip()[:300], "body": tail.strip(), "lead_unit": task.get("lead_unit"),
           "units": list(task["units"]), "unit_groups": list(task["unit_groups"]), "targets": []}
    task["body"] = body[:position].strip()
    index = tasks.index(task)
    for later in tasks[index + 1:]:
        later["number"] += 1
    tasks.insert(index + 1, new)
    return _save_parsed(actor, document, parsed, "policies.document.split_task", {"task": number})


@transaction.atomic
def policy_unit_map(*, actor, document: PolicyDocument, name: str, unit: OrgUnit) -> None:
    """An unknown written name is another name of an existing unit: record it as an alias."""
    _require(actor, document)
    org_services.org_unit_alias_add(actor=actor, unit=unit, alias=name)


@transaction.atomic
def policy_unit_create(*, actor, document: PolicyDocument, name: str, kind: str = UnitKind.GOVERNMENT) -> OrgUnit:
    """An unknown name is a unit the tree lacks: add it under the document's region."""
    _require(actor, document)
    region = document.region
    base = f"{region.code}-N"
    n = OrgUnit.objects.filter(code__startswith=base).count() + 1
    while OrgUnit.objects.filter(code=f"{base}{n:03d}").exists():
        n += 1
    full = name
    if name.startswith(("市", "区", "县")) and not name.startswith(region.name):
        full = region.name + name[1:]  # 市新设局 -> 株洲市新设局
    return org_services.org_unit_create(actor=actor, code=f"{base}{n:03d}", name=full[:100], kind=kind, parent=region,
                                        short_name=name[:50])


def policy_diff(*, document: PolicyDocument) -> dict:
    """What changed against the previous version: tasks added, removed, and changed (units, title, targets)."""
    previous = document.previous_version
    if previous is None:
        return {}
    old = {t["number"]: t for t in previous.parsed.get("tasks", [])}
    new = {t["number"]: t for t in document.parsed.get("tasks", [])}
    changed = []
    for n in sorted(set(old) & set(new)):
        fields = [f for f in ("title", "lead_unit", "units", "unit_groups") if old[n].get(f) != new[n].get(f)]
        if [(t["value"], t["unit"]) for t in old[n].get("targets", [])] != [(t["value"], t["unit"]) for t in new[n].get("targets", [])]:
            fields.append("targets")
        if fields:
            changed.append({"number": n, "title": new[n]["title"], "fields": fields})
    return {"previous_version": previous.version, "added": [new[n]["title"] for n in sorted(set(new) - set(old))],
            "removed": [old[n]["title"] for n in sorted(set(old) - set(new))], "changed": changed}


@transaction.atomic
def policy_publish(*, actor, document: PolicyDocument, now=None) -> list:
    """Turn the reviewed working copy into supervision tasks assigned to org units, in one transaction.
    Refuses, naming every unknown unit or group and its task, while anything is unmapped."""
    from rencai.supervision.choices import AssignmentRole, EventKind, TaskState
    from rencai.supervision.models import Task, TaskAssignment, TaskEvent, TaskTarget

    now = now or timezone.now()
    _require(actor, document)
    document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    if document.status != PolicyStatus.DRAFT:
        raise ApplicationError("该文件已发布,不能重复发布。", code="published")
    mapping = selectors.policy_mapping(document=document)
    problems = []
    for entry in mapping["tasks"]:
        n = entry["task"]["number"]
        problems += [f"第 {n} 项任务的单位“{u['name']}”" for u in entry["units"] if u["unit"] is None]
        problems += [f"第 {n} 项任务的统称“{g['name']}”" for g in entry["groups"] if g["members"] is None]
    if problems:
        raise ApplicationError("以下名称尚未对应到组织机构,请先在审核页处理:" + ";".join(problems[:20])
                               + (f" 等共 {len(problems)} 处" if len(problems) > 20 else ""), code="unmapped",
                               extra={"unmapped": problems})
    if not mapping["tasks"]:
        raise ApplicationError("没有可发布的任务。", code="no_tasks")
    previous_tasks = {}
    if document.previous_version_id:
        previous_tasks = {t.number: t for t in Task.objects.filter(policy_id=document.previous_version_id, state=TaskState.ACTIVE)}
    created = []
    for entry in mapping["tasks"]:
        data = entry["task"]
        task = previous_tasks.pop(data["number"], None)
        if task is not None:  # a revised version keeps the task (its plan and reports) and updates it
            task.policy, task.title, task.body = document, data["title"][:300], data.get("body", "")
            task.section = "/".join(data.get("section_path", []))[:200]
            task.save()
            task.assignments.all().delete()
            task.targets.all().delete()  # milestones keep their number to reach (target FK is SET_NULL)
            kind, message = EventKind.UPDATED, f"随新版本(第 {document.version} 版)修订"
        else:
            task = Task.objects.create(policy=document, region=document.region, number=data["number"],
                                       section="/".join(data.get("section_path", []))[:200], title=data["title"][:300],
                                       body=data.get("body", ""), external_id=f"{document.pk}-{data['number']}")
            kind, message = EventKind.PUBLISHED, "随文件发布"
        order, seen = 0, set()
        for u in entry["units"]:
            if u["unit"].pk in seen:
                continue
            seen.add(u["unit"].pk)
            TaskAssignment.objects.create(task=task, unit=u["unit"], written_as=u["name"][:100], sort_order=order,
                                          role=AssignmentRole.LEAD if u["lead"] else AssignmentRole.CO)
            order += 1
        for g in entry["groups"]:
            for member in g["members"]:
                if member.pk in seen:
                    continue
                seen.add(member.pk)
                TaskAssignment.objects.create(task=task, unit=member, written_as=g["name"][:100], sort_order=order,
                                              role=AssignmentRole.CO)
                order += 1
        for i, t in enumerate(data.get("targets", [])):
            TaskTarget.objects.create(task=task, text=t.get("text", "")[:300], metric=t.get("metric", "")[:200],
                                      value=Decimal(str(t["value"])), value_max=Decimal(str(t["value_max"])) if t.get("value_max") is not None else None,
                                      unit=t.get("unit", "")[:10], qualifier=(t.get("qualifier") or "")[:10],
                                      period=(t.get("period") or "")[:30], sort_order=i)
        TaskEvent.objects.create(task=task, kind=kind, at=now, message=message,
                                 actor=actor if getattr(actor, "is_authenticated", False) else None)
        created.append(task)
    for removed in previous_tasks.values():
        removed.state = TaskState.CANCELLED
        removed.save(update_fields=["state", "updated_at"])
        TaskEvent.objects.create(task=removed, kind=EventKind.CANCELLED, at=now, message=f"第 {document.version} 版不再包含此任务")
    if document.previous_version_id:
        PolicyDocument.objects.filter(pk=document.previous_version_id).update(status=PolicyStatus.SUPERSEDED)
    document.status, document.published_at = PolicyStatus.PUBLISHED, now
    document.published_by = actor if getattr(actor, "is_authenticated", False) else None
    document.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit_record(actor=actor, action="policies.document.publish", obj=document,
                 extra={"tasks": len(created), "cancelled": len(previous_tasks), "version": document.version})
    return created


def city_for(document: PolicyDocument) -> OrgUnit:
    return city_of(document.region)

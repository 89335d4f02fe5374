from pathlib import Path

import pytest
from django.db import IntegrityError

from rencai.audit.models import AuditEntry
from rencai.core.exceptions import ApplicationError, PermissionDenied
from rencai.orgs.models import OrgUnit
from rencai.policies import selectors, services
from rencai.policies.models import PolicyDocument
from rencai.supervision.models import Task, TaskAssignment

SEED_002 = Path(__file__).resolve().parents[3].parent / "shared" / "seeds" / "002_19ffc302811514d8.txt"
needs_seed = pytest.mark.skipif(not SEED_002.exists(), reason="../shared/seeds is not beside the repository")
SMALL = "测试分工方案\n一、任务\n1.甲任务。全年引进人才50名左右。(市科技局、市人社局、各县市区)\n2.乙任务。(市财政局、市新设局)\n".encode()


@pytest.fixture
def zz(db):
    return OrgUnit.objects.get(code="ZZ")


@needs_seed
def test_seed_002_publishes_thirty_tasks_with_groups_expanded(city_staff, zz):
    # given
    document, created = services.policy_upload(actor=city_staff, region=zz, data=SEED_002.read_bytes(), filename="002.txt")
    assert created and selectors.policy_mapping(document=document)["unknown_units"] == []
    # when
    tasks = services.policy_publish(actor=city_staff, document=document)
    # then
    assert len(tasks) == 30
    first = Task.objects.get(policy=document, number=1)
    assert [(a.unit.code, a.role) for a in first.assignments.order_by("sort_order")][:2] == [("ZZ-KJJ", "lead"), ("ZZ-KX", "co")]
    task2 = Task.objects.get(policy=document, number=2)
    districts = task2.assignments.filter(written_as="各县市区").count()
    assert districts == 9
    assert PolicyDocument.objects.get(pk=document.pk).status == "published"
    assert AuditEntry.objects.filter(action="policies.document.publish", object_id=str(document.pk)).exists()


def test_unknown_unit_blocks_publish_and_alias_fixes_it(city_staff, zz, unit):
    document, _ = services.policy_upload(actor=city_staff, region=zz, data=SMALL, filename="a.txt")
    assert selectors.policy_mapping(document=document)["unknown_units"] == ["市新设局"]
    with pytest.raises(ApplicationError, match="第 2 项任务的单位“市新设局”"):
        services.policy_publish(actor=city_staff, document=document)
    assert not Task.objects.filter(policy=document).exists()
    # when: the reviewer says 市新设局 is another name of 市人社局
    services.policy_unit_map(actor=city_staff, document=document, name="市新设局", unit=unit("ZZ-RSJ"))
    tasks = services.policy_publish(actor=city_staff, document=document)
    # then
    assert [t.title for t in tasks] == ["甲任务", "乙任务"]
    assert list(tasks[1].assignments.values_list("unit__code", flat=True)) == ["ZZ-CZJ", "ZZ-RSJ"]
    assert tasks[0].targets.get().value == 50


def test_unknown_unit_can_be_created_in_place(city_staff, zz):
    document, _ = services.policy_upload(actor=city_staff, region=zz, data=SMALL, filename="a.txt")
    new = services.policy_unit_create(actor=city_staff, document=document, name="市新设局")
    assert (new.name, new.short_name, new.parent) == ("株洲市新设局", "市新设局", zz)
    assert selectors.policy_mapping(document=document)["unknown_units"] == []


def test_reviewer_corrects_units_and_lead(city_staff, zz):
    document, _ = services.policy_upload(actor=city_staff, region=zz, data=SMALL, filename="a.txt")
    services.policy_task_update(actor=city_staff, document=document, number=2, changes={"units": ["市财政局", "市教育局"], "lead_unit": "市教育局"})
    task = PolicyDocument.objects.get(pk=document.pk).parsed["tasks"][1]
    assert (task["lead_unit"], task["units"]) == ("市教育局", ["市教育局", "市财政局"])


def test_reupload_is_detected_and_revision_is_a_new_version_with_diff(city_staff, zz):
    first, _ = services.policy_upload(actor=city_staff, region=zz, data=SMALL, filename="a.txt")
    again, created = services.policy_upload(actor=city_staff, region=zz, data=SMALL, filename="copy.txt")
    assert (again.pk, created) == (first.pk, False)
    revised = SMALL.replace("市新设局".encode(), "市教育局".encode()) + "3.丙任务。(市民政局)\n".encode()
    second, created = services.policy_upload(actor=city_staff, region=zz, data=revised, filename="a-v2.txt")
    assert created and second.version == 2 and second.previous_version == first
    diff = services.policy_diff(document=second)
    assert diff["added"] == ["丙任务"]
    assert diff["changed"] == [{"number": 2, "title": "乙任务", "fields": ["units"]}]


def test_publish_is_one_transaction(city_staff, zz, monkeypatch):
    document, _ = services.policy_upload(actor=city_staff, region=zz, data=SMALL.replace("市新设局".encode(), "市教育局".encode()),
                                         filename="a.txt")
    original = TaskAssignment.objects.create

    def failing(**kwargs):
        if kwargs["unit"].code == "ZZ-JYJ":
            raise IntegrityError("simulated failure mid-publish")
        return original(**kwargs)

    monkeypatch.setattr(TaskAssignment.objects, "create", failing)
    with pytest.raises(IntegrityError):
        services.policy_publish(actor=city_staff, document=document)
    assert not Task.objects.filter(policy=document).exists()
    assert PolicyDocument.objects.get(pk=document.pk).status == "draft"


def test_district_officer_cannot_publish_for_the_city_or_see_other_district(district_a_officer, district_b_officer, unit):
    with pytest.raises(PermissionDenied):
        services.policy_upload(actor=district_a_officer, region=unit("ZZ"), data=SMALL, filename="a.txt")
    own, _ = services.policy_upload(actor=district_a_officer, region=unit("ZZ-D01"), data=SMALL, filename="a.txt")
    assert list(selectors.policy_list(actor=district_b_officer)) == []
    with pytest.raises(Exception):
        selectors.policy_get(actor=district_b_officer, pk=own.pk)


def test_bad_file_gets_chinese_error_and_nothing_stored(city_staff, zz):
    with pytest.raises(ApplicationError, match="空的"):
        services.policy_upload(actor=city_staff, region=zz, data=b"", filename="a.txt")
    assert not PolicyDocument.objects.exists()

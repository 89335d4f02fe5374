import io

from rencai.policies.models import PolicyDocument
from rencai.supervision.models import Task

SMALL = "测试分工方案\n一、任务\n1.甲任务。全年引进人才50名左右。(市科技局、市人社局、各县市区)\n2.乙任务。(市财政局、市新设局)\n".encode()


def _upload(client, data=SMALL, name="a.txt"):
    f = io.BytesIO(data)
    f.name = name
    return client.post("/policies/", {"file": f}, follow=True)


def test_upload_review_map_and_publish_in_the_pages(city_staff, client_for, unit):
    client = client_for(city_staff)
    page = _upload(client).content.decode()
    assert "市新设局" in page and "unknown" in page and "文件未说明牵头规则" in page
    document = PolicyDocument.objects.get()
    refused = client.post(f"/policies/{document.pk}/publish/", follow=True).content.decode()
    assert "第 2 项任务的单位“市新设局”" in refused
    client.post(f"/policies/{document.pk}/units/", {"name": "市新设局", "unit": unit("ZZ-RSJ").pk})
    client.post(f"/policies/{document.pk}/tasks/1/", {"title": "甲任务(改)", "units": "市科技局、市人社局", "lead_unit": "市人社局",
                                                      "unit_groups": "各县市区", "targets": "引进人才|50||名|左右|全年"})
    response = client.post(f"/policies/{document.pk}/publish/", follow=True)
    assert "已发布:2 项任务" in response.content.decode()
    task = Task.objects.get(policy=document, number=1)
    assert task.title == "甲任务(改)"
    assert task.assignments.get(role="lead").unit.code == "ZZ-RSJ"


def test_too_large_upload_is_refused_with_size_and_limit(city_staff, client_for, settings):
    settings.RENCAI_UPLOAD_MAX_BYTES = 1000
    page = _upload(client_for(city_staff), data=b"x" * 5000).content.decode()
    assert "超过上限" in page
    assert not PolicyDocument.objects.exists()


def test_api_upload_patch_publish(city_staff, client_for, unit):
    client = client_for(city_staff)
    f = io.BytesIO(SMALL.replace("市新设局".encode(), "市教育局".encode()))
    f.name = "a.txt"
    created = client.post("/api/policies", {"file": f})
    assert created.status_code == 201
    pk = created.json()["id"]
    assert [t["title"] for t in created.json()["parsed"]["tasks"]] == ["甲任务", "乙任务"]
    patched = client.patch(f"/api/policies/{pk}/tasks/2", {"units": ["市财政局"]}, content_type="application/json")
    assert patched.json()["parsed"]["tasks"][1]["units"] == ["市财政局"]
    assert client.post(f"/api/policies/{pk}/publish").json() == {"tasks": 2}


def test_district_b_cannot_read_district_a_policy(district_a_officer, district_b_officer, client_for):
    _upload(client_for(district_a_officer))
    document = PolicyDocument.objects.get()
    assert document.region.code == "ZZ-D01"
    client_b = client_for(district_b_officer)
    assert client_b.get(f"/policies/{document.pk}/").status_code == 404
    assert client_b.get(f"/api/policies/{document.pk}").status_code == 404
    assert "测试分工方案" not in client_b.get("/policies/").content.decode()

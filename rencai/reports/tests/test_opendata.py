"""Open data: suppressed aggregate datasets, the differencing case across published tables, downloads, rights."""

import csv
import io
import json

import pytest

from rencai.audit.models import AuditEntry
from rencai.core.exceptions import ApplicationError, PermissionDenied
from rencai.reports import opendata, services
from rencai.reports.models import OpenDataRelease


def _table(release, code):
    t = release.tables[code]
    return {tuple(row[:-1]): row[-1] for row in t["rows"]}


def test_small_cells_are_never_published(world, city_staff):
    release = services.open_data_publish(actor=city_staff, region=world["zz"])
    for code, table in release.tables.items():
        for row in table["rows"]:
            assert row[-1] is None or row[-1] == 0 or row[-1] >= 5, (code, row)
    assert release.suppressed_cells > 0


def test_differencing_two_published_tables_cannot_reveal_a_small_cell(db, unit, city_staff):
    # given: 荷塘区 2021 has 制造业 7 and 教育 3; 芦淞区 2021 has 制造业 20 and 教育 9
    from . import factories as f

    a, b = unit("ZZ-D01"), unit("ZZ-D02")
    for region, industry, n in ((a, "C39", 7), (a, "P83", 3), (b, "C39", 20), (b, "P83", 9)):
        for _ in range(n):
            f.talent(region, tier="D", industry=industry, introduced="2021-05-01")
    # when: the district totals and the district × industry table are published together
    release = services.open_data_publish(actor=city_staff, region=unit("ZZ"))
    by_district = _table(release, "talents_by_district_year")
    by_district_industry = _table(release, "talents_by_district_industry_year")
    # then: 荷塘区 10 is published, so 制造业 7 must be hidden too (10 − 7 would reveal 教育 3)
    assert by_district[("荷塘区", "2021")] == 10
    assert by_district_industry[("荷塘区", "P 教育", "2021")] is None
    assert by_district_industry[("荷塘区", "C 制造业", "2021")] is None
    # and as the industry totals are published too (制造业 27, 教育 12), 芦淞区's two cells are hidden as well:
    # 27 − 20 would reveal 荷塘区 制造业 7, and 12 − 9 would reveal 荷塘区 教育 3
    by_industry = _table(release, "talents_by_industry_year")
    assert by_industry[("C 制造业", "2021")] == 27 and by_industry[("P 教育", "2021")] == 12
    assert by_district_industry[("芦淞区", "C 制造业", "2021")] is None
    assert by_district_industry[("芦淞区", "P 教育", "2021")] is None
    assert by_district[("芦淞区", "2021")] == 29
    # and no published relation (total = sum of its parts) has exactly one hidden member
    for margin, position in ((by_district, (0, 2)), (by_industry, (1, 2))):
        parts = {}
        for key, value in by_district_industry.items():
            parts.setdefault(tuple(key[i] for i in position), []).append(value)
        for key, values in parts.items():
            assert margin[key] is None or sum(v is None for v in values) != 1, key


def test_csv_json_and_dictionary_are_public_and_hold_no_person(world, city_staff, client_for):
    release = services.open_data_publish(actor=city_staff, region=world["zz"])
    anonymous = client_for(None)
    listing = anonymous.get("/reports/open-data/")
    assert listing.status_code == 200 and "株洲市" in listing.content.decode()
    raw = anonymous.get(f"/reports/open-data/{release.pk}/talents_by_district_year.csv")
    assert raw.status_code == 200
    text = raw.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["地区", "引进年度", "人数"]
    assert ["荷塘区", "2021", ""] in rows or ["荷塘区", "2021", "4"] not in rows
    assert "测试人才" not in text and "hash-" not in text
    data = anonymous.get(f"/reports/open-data/{release.pk}/talents_by_tier_year.json").json()
    assert data["threshold"] == 5 and all(set(r) == {"tier", "year", "count"} for r in data["records"])
    dictionary = anonymous.get(f"/reports/open-data/{release.pk}/talents_by_tier_year.dictionary.json").json()
    assert [c["name"] for c in dictionary["columns"]] == ["tier", "year", "count"]
    assert "隐藏" in dictionary["suppression"]
    api = anonymous.get("/api/reports/open-data")
    assert api.status_code == 200 and api.json()[0]["region"] == "株洲市"
    api_set = anonymous.get(f"/api/reports/open-data/{release.pk}/talents_by_year")
    assert api_set.status_code == 200 and json.loads(api_set.content)["records"]


def test_district_officer_cannot_publish_and_nothing_is_written(world, district_a_officer):
    with pytest.raises(PermissionDenied):
        services.open_data_publish(actor=district_a_officer, region=world["zz"])
    assert not OpenDataRelease.objects.exists()
    assert not AuditEntry.objects.filter(action="reports.open_data_publish").exists()


def test_other_city_office_cannot_publish_our_city(world, other_city_staff):
    with pytest.raises(PermissionDenied):
        services.open_data_publish(actor=other_city_staff, region=world["zz"])


def test_publish_is_audited_and_takes_a_threshold(world, city_staff):
    release = services.open_data_publish(actor=city_staff, region=world["zz"], threshold=3)
    assert release.threshold == 3
    assert AuditEntry.objects.get(action="reports.open_data_publish").extra["threshold"] == 3
    with pytest.raises(ApplicationError, match="最小发布数"):
        services.open_data_publish(actor=city_staff, region=world["zz"], threshold=1)


def test_a_district_is_not_a_release_region(world, city_staff):
    with pytest.raises(ApplicationError, match="按市或新区发布"):
        services.open_data_publish(actor=city_staff, region=world["a"])


def test_dictionary_describes_every_column():
    for dataset in opendata.DATASETS:
        d = opendata.dictionary(dataset, threshold=5)
        assert [c["name"] for c in d["columns"]][-1] == "count"
        assert all(c["label"] and c["description"] for c in d["columns"])


def test_publish_through_the_page(world, city_staff, district_a_officer, client_for):
    office = client_for(city_staff)
    page = office.get("/reports/open-data/").content.decode()
    assert 'id="publish-form"' in page and "株洲市" in page
    response = office.post("/reports/open-data/publish/", {"region": world["zz"].pk, "threshold": 5}, follow=True)
    assert "已发布 6 个数据集" in response.content.decode()
    release = OpenDataRelease.objects.get()
    detail = client_for(None).get(f"/reports/open-data/{release.pk}/").content.decode()
    assert "各地区分行业门类分年度引进人才数" in detail and "dictionary.json" in detail
    # a district officer is offered no form and cannot publish by posting either
    assert 'id="publish-form"' not in client_for(district_a_officer).get("/reports/open-data/").content.decode()
    client_for(district_a_officer).post("/reports/open-data/publish/", {"region": world["a"].pk})
    assert OpenDataRelease.objects.count() == 1

"""Pages, API, exports and the demo."""

import io
import json
from decimal import Decimal

from openpyxl import load_workbook

from rencai.benefits import demo, services
from rencai.benefits.models import BenefitType, Claim, Fund, LedgerEntry

from .conftest import TODAY, approved_claim, person


def test_api_claim_create_is_idempotent_and_pay_is_once(world, client_for, district_a_officer, city_staff, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    officer = client_for(district_a_officer)
    body = json.dumps({"talent_id": world["甲人才"].pk, "benefit_type_id": world["settle"].pk})
    first = officer.post("/api/benefits/claims", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = officer.post("/api/benefits/claims", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Claim.objects.count() == 1
    assert person(1)["身份证号"] not in first.content.decode()
    claim_id = first.json()["id"]
    assert officer.post(f"/api/benefits/claims/{claim_id}/approve", "{}", content_type="application/json").status_code == 200
    office = client_for(city_staff)
    assert office.post(f"/api/benefits/claims/{claim_id}/approve", "{}", content_type="application/json").json()["status"] == "approved"
    paid = office.post(f"/api/benefits/claims/{claim_id}/pay", HTTP_IDEMPOTENCY_KEY="p-1")
    retry = office.post(f"/api/benefits/claims/{claim_id}/pay", HTTP_IDEMPOTENCY_KEY="p-1")
    other = office.post(f"/api/benefits/claims/{claim_id}/pay", HTTP_IDEMPOTENCY_KEY="p-2")
    assert (paid.status_code, retry.status_code, other.status_code) == (201, 200, 409)
    assert "重复支付" in other.json()["message"]
    assert LedgerEntry.objects.count() == 1
    funds = {f["fund_id"]: f for f in office.get("/api/benefits/funds?year=2026").json()}
    assert Decimal(funds[world["fund_a"].pk]["paid"]) == Decimal(100000)
    # district B sees neither the claim nor district A's fund
    b = client_for(None)
    assert b.get("/api/benefits/funds").status_code in (401, 403)


def test_district_b_gets_404_for_district_a_claim(world, client_for, district_b_officer):
    claim = approved_claim(world)
    assert client_for(district_b_officer).get(f"/benefits/claims/{claim.pk}/").status_code == 404
    assert client_for(district_b_officer).post(f"/api/benefits/claims/{claim.pk}/pay").status_code == 404


def test_pages_render_and_pay_from_the_claim_page(world, client_for, city_staff):
    claim = approved_claim(world)
    c = client_for(city_staff)
    for url in ("/benefits/", "/benefits/claims/", f"/benefits/claims/{claim.pk}/", "/benefits/funds/",
                f"/benefits/funds/{world['fund_a'].pk}/", "/benefits/reconciliation/?year=2026",
                f"/benefits/talents/{world['甲人才'].pk}/", "/benefits/auto-grant/"):
        response = c.get(url)
        assert response.status_code == 200, url
        assert person(1)["身份证号"] not in response.content.decode()
    page = c.get(f"/benefits/claims/{claim.pk}/").content.decode()
    assert "支付" in page and "安家补贴" in page
    c.post(f"/benefits/claims/{claim.pk}/pay/", {"idempotency_key": "web-1"})
    c.post(f"/benefits/claims/{claim.pk}/pay/", {"idempotency_key": "web-1"})  # double submit
    assert LedgerEntry.objects.count() == 1
    assert Claim.objects.get(pk=claim.pk).status == "paid"


def test_ledger_and_reconciliation_excel(world, client_for, city_staff):
    entry = services.claim_pay(actor=city_staff, claim=approved_claim(world))
    services.ledger_reverse(actor=city_staff, entry=entry, reason="=HYPERLINK(\"x\")")
    c = client_for(city_staff)
    response = c.get(f"/benefits/funds/{world['fund_a'].pk}/?export=xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in ws.iter_rows()]
    assert values[1][:4] == ["记录号", "记账时间", "类型", "金额(元)"]
    assert [r[2] for r in values[2:]] == ["支付", "冲正"]
    assert all(not str(v).startswith("=") for row in values for v in row if v is not None)
    assert person(1)["身份证号"] not in str(values)
    report = load_workbook(io.BytesIO(c.get("/benefits/reconciliation/?year=2026&export=xlsx").content)).active
    rows = [[cell.value for cell in row] for row in report.iter_rows()]
    assert ["对账结论", "平衡"] == rows[-1][:2]


def test_demo_is_idempotent(db):
    first = demo.load()
    assert first["types"] == 12 and first["funds"] >= 2
    assert demo.load() == {"types": 0, "funds": 0}
    assert BenefitType.objects.get(code="goufang").conditions["declarations"] == ["first_home_in_city"]
    assert Fund.objects.filter(year=2026, region__code="ZZ-D01").exists()


def test_staff_file_a_claim_from_the_talent_page_once(world, city_staff):
    """The 代办 form on the talent's benefits page: a claim enters review; the same form posted twice is one claim."""
    from django.test import Client
    from django.urls import reverse

    from rencai.benefits.models import Claim

    talent = world["甲人才"]
    client = Client()
    client.force_login(city_staff)
    page = client.get(reverse("benefits:talent_benefits", args=[talent.pk])).content.decode()
    assert 'id="claim-form"' in page
    import re

    benefit_type = re.search(r'<option value="(\d+)">安家补贴', page).group(1)
    key = re.search(r'name="idempotency_key" value="(\w+)"', page).group(1)
    for _ in range(2):
        client.post(reverse("benefits:talent_benefits", args=[talent.pk]),
                    {"benefit_type": benefit_type, "idempotency_key": key})
    assert Claim.objects.filter(talent=talent).count() == 1


def test_talent_office_creates_publishes_and_versions_a_benefit_type_in_the_page(db, city_staff, district_a_officer):
    from django.test import Client
    from django.urls import reverse

    from rencai.benefits.models import BenefitType

    client = Client()
    client.force_login(city_staff)
    url = reverse("benefits:type_list")
    assert 'id="type-form"' in client.get(url).content.decode()
    client.post(url, {"action": "create", "code": "shenghuo", "name": "生活补贴", "kind": "amount",
                      "frequency": "yearly", "amount": "24000", "duration_years": "3", "tiers": ["C", "D"],
                      "registry": "年龄≤45周岁 且 引进方式为全职", "version_label": "2026版"})
    draft = BenefitType.objects.get(code="shenghuo")
    assert draft.status == "draft" and draft.conditions["registry"]["all"][1]["value"] == "full_time"
    client.post(url, {"action": "publish", "type": draft.pk})
    draft.refresh_from_db()
    assert draft.status == "published"
    client.post(url, {"action": "new_version", "type": draft.pk, "version_label": "2027版"})
    assert BenefitType.objects.filter(code="shenghuo", version_label="2027版", status="draft").exists()
    bad = client.post(url, {"action": "create", "code": "x", "name": "坏条件", "kind": "amount", "amount": "1",
                            "tiers": ["C"], "registry": "鞋码为42"}, follow=True).content.decode()
    assert "不是以已知字段开头" in bad and not BenefitType.objects.filter(code="x").exists()

    officer = Client()
    officer.force_login(district_a_officer)
    assert 'id="type-form"' not in officer.get(url).content.decode()
    officer.post(url, {"action": "create", "code": "y", "name": "越权", "kind": "amount", "amount": "1", "tiers": ["C"]})
    assert not BenefitType.objects.filter(code="y").exists()


def test_talent_office_sets_up_a_fund_and_adjusts_its_budget(db, city_staff):
    from django.test import Client
    from django.urls import reverse

    from rencai.benefits.models import Fund
    from rencai.orgs.models import OrgUnit

    client = Client()
    client.force_login(city_staff)
    district = OrgUnit.objects.get(code="ZZ-D01")
    client.post(reverse("benefits:fund_list"), {"action": "create", "region": district.pk, "year": "2027",
                                                "budget": "500000"})
    fund = Fund.objects.get(region=district, year=2027)
    assert fund.balance == 500000
    client.post(reverse("benefits:fund_list"), {"action": "budget", "fund": fund.pk, "budget": "800000",
                                                "reason": "追加预算"})
    fund.refresh_from_db()
    assert fund.budget == 800000 and fund.balance == 800000

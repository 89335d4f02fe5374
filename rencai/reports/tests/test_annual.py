"""The annual statistics report and white paper: figures, PDF with Chinese text and charts, Excel, command, job."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from rencai.reports import annual, selectors, services
from rencai.reports.models import ReportJob


@pytest.fixture
def figures(world):
    return selectors.annual_figures(actor=None, year=2022, unit=world["zz"])


def test_figures_compare_with_the_previous_year(figures):
    # 株洲 end of 2022: 15 (incl. the undated talent); end of 2021: 10; introduced 2022: 5, 2021: 6
    assert (figures["total"], figures["total_prev"], figures["total_growth"]) == (15, 10, 50.0)
    assert (figures["introduced"], figures["introduced_prev"], figures["introduced_growth"]) == (5, 6, -16.7)
    tiers = {t["code"]: (t["n"], t["prev"], t["new"]) for t in figures["tiers"]}
    assert tiers["D"] == (7, 3, 4) and tiers["B"] == (4, 4, 0)
    assert {a["name"]: (a["n"], a["new"]) for a in figures["areas"]} == {"荷塘区": (8, 1), "芦淞区": (7, 4)}
    assert {m["name"]: m["n"] for m in figures["modes"]} == {"全职引进": 5}


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object().get("/BaseFont")))
    return names


def test_statistics_pdf_renders_chinese_headings_and_tables(figures):
    pdf = annual.pdf_bytes(annual.render_statistics(figures, for_pdf=True))
    text = _text(pdf)
    assert pdf.startswith(b"%PDF")
    for heading in ("株洲市2022年度人才工作统计报告", "一、统计说明", "表2 人才资源按类别分布", "表3 人才资源按地区分布",
                    "表10 政策量化目标完成情况", "荷塘区", "人才总量与引进趋势"):
        assert heading in text, heading
    assert any("Noto-Sans-SC" in name for name in _fonts(pdf))  # the vendored font is embedded (subset)


def test_whitepaper_pdf_has_narrative_charts_and_hides_small_cells(figures):
    pdf = annual.pdf_bytes(annual.render_whitepaper(figures, for_pdf=True))
    text = _text(pdf)
    for heading in ("株洲市2022年人才发展白皮书", "一、总体情况", "二、人才结构", "四、与上年比较",
                    "人才资源按类别分布(人)", "比上年末增长50.0%"):
        assert heading in text, heading
    # tiers at the end of 2022: B 4, C 2, D 7, E 1, 未分类 1 — all but D are under 5 and hidden
    context = annual.whitepaper_context(figures)
    assert dict(context["tiers"]) == {"B类(国家级领军人才)": "<5", "C类(省级领军人才)": "<5", "D类(市级领军人才)": 7,
                                      "E类(高级/青年人才)": "<5", "未分类": "<5"}
    # areas: 荷塘区 8, 芦淞区 7 — both published
    assert dict(context["areas"]) == {"荷塘区": 8, "芦淞区": 7}


def test_excel_has_one_sheet_per_table(figures):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(annual.xlsx_bytes(figures)))
    assert wb.sheetnames == [f"表{i}" for i in range(1, 11)]
    ws = wb["表1"]
    assert ws["A1"].value.startswith("表1 株洲市2022年") and ws["B3"].value == 15


def test_command_writes_every_format(world, tmp_path):
    call_command("report_annual", "--year", "2022", "--scope", "ZZ-D01", "--out", str(tmp_path))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["annual-2022-ZZ-D01-statistics.html", "annual-2022-ZZ-D01-statistics.pdf",
                     "annual-2022-ZZ-D01-tables.xlsx", "annual-2022-ZZ-D01-whitepaper.html",
                     "annual-2022-ZZ-D01-whitepaper.pdf"]
    html = (tmp_path / "annual-2022-ZZ-D01-statistics.html").read_text()
    assert "荷塘区2022年度人才工作统计报告" in html and "<svg" in html
    assert "测试人才" not in html  # no person's name ever


def test_command_report_lists_the_scope_targets(world, tmp_path):
    # given: a bound 株洲 target and a reported 成都 one
    from rencai.reports import services as reports_services

    from . import factories as f

    zz_target = f.target(world["zz"], metric="引进B类人才", value=10, reached=1)
    reports_services.metric_bind(actor=None, target=zz_target, definition={"metric": "talents_introduced", "tier": ["B"]})
    f.target(world["cd"], metric="成都目标", value=5, reached=5)
    # when
    call_command("report_annual", "--year", "2022", "--scope", "ZZ", "--format", "html", "--out", str(tmp_path))
    # then: 株洲's target computed (B in 株洲: 4 of 10), 成都's absent
    html = (tmp_path / "annual-2022-ZZ-statistics.html").read_text()
    assert "引进B类人才" in html and "40.0" in html and "成都目标" not in html


def test_command_rejects_a_bad_scope_in_chinese(db, tmp_path):
    with pytest.raises(CommandError, match="统计范围“XX-NOPE”不是已登记的市、新区或区县机构编码"):
        call_command("report_annual", "--year", "2022", "--scope", "XX-NOPE", "--out", str(tmp_path))
    assert not list(tmp_path.iterdir())


def test_cli_exits_non_zero_on_a_bad_scope(db, tmp_path):
    from rencai.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["report", "annual", "--year", "2022", "--scope", "NOPE", "--out", str(tmp_path)])
    assert exc.value.code != 0


def test_background_job_through_the_page(world, city_staff, district_b_officer, client_for,
                                         django_capture_on_commit_callbacks):
    client = client_for(city_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/annual/", {"year": 2022, "scope": "ZZ", "formats": ["pdf", "xlsx"]})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/annual/jobs/{job.pk}/"
    assert (job.status, job.progress) == ("succeeded", 100)
    assert sorted(job.files) == ["statistics.pdf", "tables.xlsx", "whitepaper.pdf"]
    page = client.get(f"/reports/annual/jobs/{job.pk}/")
    assert "已完成" in page.content.decode()
    pdf = client.get(f"/reports/annual/jobs/{job.pk}/files/statistics.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    # 芦淞区's officer cannot see a city report they did not request
    assert client_for(district_b_officer).get(f"/reports/annual/jobs/{job.pk}/").status_code == 404


def test_district_officer_cannot_request_the_city_report(world, district_a_officer):
    from rencai.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.report_job_create(actor=district_a_officer, year=2022, unit=world["zz"], formats="pdf")
    assert not ReportJob.objects.exists()


def test_font_is_the_vendored_one():
    assert annual.FONT_PATH.is_file() and Path(annual.FONT_PATH).stat().st_size > 1_000_000


def test_job_through_the_api_with_progress(world, city_staff, client_for, django_capture_on_commit_callbacks):
    client = client_for(city_staff)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/reports/annual", data={"year": 2022, "scope": "ZZ-D02", "formats": ["html"]},
                              content_type="application/json")
    assert created.status_code == 202 and created.json()["status"] == "pending"
    job = client.get(f"/api/reports/annual/{created.json()['id']}").json()
    assert (job["status"], job["progress"], job["files"]) == ("succeeded", 100, ["statistics.html", "whitepaper.html"])
    partial = client.get(f"/reports/annual/jobs/{job['id']}/", HTTP_HX_REQUEST="true")
    assert 'id="job-progress"' in partial.content.decode() and "<html" not in partial.content.decode()
    inline = client.get(f"/reports/annual/jobs/{job['id']}/files/statistics.html", {"view": 1})
    assert not inline["Content-Disposition"].startswith("attachment") and "芦淞区2022年度人才工作统计报告" in b"".join(inline.streaming_content).decode()
    bad = client.post("/api/reports/annual", data={"year": 2022, "scope": "NOPE"}, content_type="application/json")
    assert bad.status_code == 400 and "统计范围“NOPE”" in bad.json()["message"]


def test_pending_job_shows_progress_that_polls(world, city_staff, client_for):
    job = services.report_job_create(actor=city_staff, year=2022, unit=world["zz"], formats="pdf")  # not run yet
    page = client_for(city_staff).get(f"/reports/annual/jobs/{job.pk}/").content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page and "<progress" in page

"""The annual statistics report (年度人才工作统计报告) and white paper (人才发展白皮书): tables a statistics bureau
expects, narrative sections with charts and comparisons with the previous year, as HTML, PDF and Excel.

The figures come from selectors.annual_figures (the statistics snapshot), so the size of the registry barely
matters; the PDF embeds the vendored Noto Sans SC (subset by WeasyPrint) and hand-built SVG charts.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from rencai.core.excel import safe_cell

from . import charts
from .disclosure import suppress

FONT_PATH = Path(settings.BASE_DIR) / "rencai" / "static" / "vendor" / "fonts" / "NotoSansSC_400Regular.ttf"
SMALL = "<5"


def _g(value) -> str:
    return "—" if value is None else f"{value:+.1f}%"


def statistics_tables(f: dict) -> list[dict]:
    """The statistics report's tables (统计报表), each with headers and rows of plain values."""
    tables = [
        {"code": "表1", "title": "人才资源总量及增长情况", "headers": ["指标", f"{f['year']}年", f"{f['prev']}年", "增减(%)"],
         "rows": [["年末人才总量(人)", f["total"], f["total_prev"], _g(f["total_growth"])],
                  ["当年新引进人才(人)", f["introduced"], f["introduced_prev"], _g(f["introduced_growth"])]]},
        {"code": "表2", "title": "人才资源按类别分布", "headers": ["人才类别", "年末人数", "占比(%)", "上年末人数",
                                                          "增减(%)", "当年引进", "上年引进"],
         "rows": [[t["name"], t["n"], t["share"], t["prev"], _g(t["growth"]), t["new"], t["new_prev"]] for t in f["tiers"]]},
        {"code": "表3", "title": "人才资源按地区分布", "headers": ["地区", "年末人数", "上年末人数", "增减(%)", "当年引进"],
         "rows": [[a["name"], a["n"], a["prev"], _g(a["growth"]), a["new"]] for a in f["areas"]]},
        {"code": "表4", "title": "人才资源按行业门类分布(GB/T 4754-2017)", "headers": ["门类代码", "行业门类", "年末人数",
                                                                             "占比(%)", "当年引进"],
         "rows": [[i["code"], i["name"], i["n"], i["share"], i["new"]] for i in f["industries"]]},
        {"code": "表5", "title": "人才资源按学历分布", "headers": ["学历", "年末人数"],
         "rows": [[e["name"], e["n"]] for e in f["education"]]},
        {"code": "表6", "title": "人才资源按专业技术职称级别分布", "headers": ["职称级别", "年末人数"],
         "rows": [[t["name"], t["n"]] for t in f["titles"]]},
        {"code": "表7", "title": "当年引进人才按引进方式分布", "headers": ["引进方式", "当年引进人数"],
         "rows": [[m["name"], m["n"]] for m in f["modes"]]},
        {"code": "表8", "title": "人才认定情况", "headers": ["认定类别", "当年新认定", "当年退出/暂停", "年末有效认定"],
         "rows": [[c["name"], c["new"], c["exits"], c["active"]] for c in f["certification"]]},
    ]
    if f["funds"] is None:
        tables.append({"code": "表9", "title": "人才专项资金兑现情况", "headers": ["说明"], "rows": [["资金数据暂无"]]})
    else:
        tables.append({"code": "表9", "title": "人才专项资金兑现情况(万元)", "headers": ["资金名称", "预算", "已兑付", "结余",
                                                                              "执行率(%)"],
                       "rows": [[x["name"], x["budget"], x["paid"], round(x["budget"] - x["paid"], 2),
                                 round(x["paid"] / x["budget"] * 100, 1) if x["budget"] else "—"] for x in f["funds"]]})
    tables.append({"code": "表10", "title": "政策量化目标完成情况", "headers": ["任务", "指标", "目标值", "完成数", "完成率(%)",
                                                                    "数据来源"],
                   "rows": [[t["task"], t["metric"], t["target"], "—" if t["actual"] is None else t["actual"],
                             "—" if t["ratio"] is None else t["ratio"], t["source_label"]] for t in f["targets"]],
                   "note": "数据来源“计算”:按绑定的指标口径从人才信息库、认定和资金台账实时计算;“报送数”:责任单位最近一次报送的完成数。"})
    return tables


def _suppressed(rows: list[tuple[str, int]], threshold: int) -> tuple[list[tuple[str, object]], int | None]:
    """One published breakdown and its total, small cells hidden (complementary too, so the total cannot reveal
    a hidden one)."""
    base = {(name,): n for name, n in rows}
    out = suppress(base, ["k"], [(), ("k",)], threshold=threshold)
    shown = [(name, SMALL if out[("k",)][(name,)] is None else n) for name, n in rows]
    total = out[()].get((), 0)
    return shown, total


def whitepaper_context(f: dict, *, threshold: int = 5) -> dict:
    """Narrative, charts and public tables (small cells hidden) of the white paper."""
    tiers, _ = _suppressed([(t["name"], t["n"]) for t in f["tiers"]], threshold)
    areas, _ = _suppressed([(a["name"], a["n"]) for a in f["areas"]], threshold)
    industries, _ = _suppressed([(i["name"], i["n"]) for i in f["industries"]], threshold)
    top_industries = ",".join(f"{i['name']}({i['share']}%)" for i in f["industries"][:3])
    top_areas = "、".join(a["name"] for a in f["areas"][:3])
    growth = f["total_growth"]
    overview = (f"截至{f['year']}年末,{f['scope_name']}人才资源总量达到{f['total']:,}人"
                + (f",比上年末{'增长' if growth >= 0 else '减少'}{abs(growth)}%。" if growth is not None else "。")
                + f"{f['year']}年新引进人才{f['introduced']:,}人"
                + (f",上年为{f['introduced_prev']:,}人" if f["introduced_prev"] else "") + "。")
    high = sum(t["n"] for t in f["tiers"] if t["code"] in ("A", "B", "C"))
    structure = (f"A、B、C类高层次人才共{high:,}人,占人才总量的"
                 f"{round(high / f['total'] * 100, 1) if f['total'] else 0}%。"
                 + (f"从行业看,人才主要集中在{top_industries}。" if top_industries else ""))
    distribution = f"从地区看,人才总量居前的是{top_areas}。" if top_areas else "本年度暂无分地区数据。"
    cert_new = sum(c["new"] for c in f["certification"])
    cert_active = sum(c["active"] for c in f["certification"])
    certification = f"{f['year']}年新认定人才{cert_new:,}人,年末有效认定{cert_active:,}人。"
    if f["funds"] is None:
        funds = "资金数据暂无。"
    else:
        budget, paid = sum(x["budget"] for x in f["funds"]), sum(x["paid"] for x in f["funds"])
        funds = (f"人才专项资金预算{budget:,.2f}万元,已兑付{paid:,.2f}万元,执行率"
                 f"{round(paid / budget * 100, 1) if budget else 0}%。")
    computed = [t for t in f["targets"] if t["source"] == "computed"]
    reached = [t for t in f["targets"] if t["ratio"] is not None and t["ratio"] >= 100]
    targets = (f"纳入统计的政策量化目标{len(f['targets'])}项,其中{len(computed)}项按指标口径自动计算,"
               f"{len(reached)}项已达到或超过目标值。") if f["targets"] else "本范围暂无政策量化目标。"
    years = [t["year"] for t in f["trend"]]
    return {
        "overview": overview, "structure": structure, "distribution": distribution, "certification": certification,
        "funds_text": funds, "targets_text": targets, "threshold": threshold,
        "tiers": tiers, "areas": areas, "industries": industries,
        "chart_trend": charts.line_chart(years, [("年末人才总量", [t["stock"] for t in f["trend"]]),
                                                 ("当年引进", [t["introduced"] for t in f["trend"]]),
                                                 ("当年认定", [t["certified"] for t in f["trend"]])],
                                         title=f"近五年人才总量与引进、认定({years[0]}–{years[-1]}年)"),
        "chart_tiers": charts.bar_chart([(n, v) for n, v in tiers if v != SMALL], title="人才资源按类别分布(人)"),
        "chart_areas": charts.bar_chart([(n, v) for n, v in areas[:15] if v != SMALL], title="人才资源按地区分布(人)",
                                        color=charts.PALETTE[2]),
        "chart_industries": charts.bar_chart([(n, v) for n, v in industries[:10] if v != SMALL],
                                             title="人才资源按行业门类分布(前十,人)", color=charts.PALETTE[4]),
        "chart_targets": charts.bar_chart([(t["metric"], min(t["ratio"], 200)) for t in f["targets"][:15]
                                           if t["ratio"] is not None], title="政策量化目标完成率(%)",
                                          color=charts.PALETTE[3]) if f["targets"] else "",
    }


def _font_face(for_pdf: bool) -> str:
    if for_pdf:
        return f"@font-face {{ font-family: 'Noto Sans SC'; src: url('{FONT_PATH.as_uri()}'); }}"
    return ""


def render_statistics(f: dict, *, for_pdf: bool = False) -> str:
    return render_to_string("reports/annual/statistics.html", {
        "f": f, "tables": statistics_tables(f), "font_face": _font_face(for_pdf), "generated_at": timezone.localtime(),
        "chart_trend": charts.line_chart([t["year"] for t in f["trend"]],
                                         [("年末人才总量", [t["stock"] for t in f["trend"]]),
                                          ("当年引进", [t["introduced"] for t in f["trend"]])], title="人才总量与引进趋势"),
    })


def render_whitepaper(f: dict, *, for_pdf: bool = False, threshold: int = 5) -> str:
    return render_to_string("reports/annual/whitepaper.html", {
        "f": f, "w": whitepaper_context(f, threshold=threshold), "font_face": _font_face(for_pdf),
        "generated_at": timezone.localtime(),
    })


def pdf_bytes(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def xlsx_bytes(f: dict) -> bytes:
    """One sheet per statistics table, headed by its number and title (formula-injection safe)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for table in statistics_tables(f):
        ws = wb.create_sheet(title=table["code"])
        ws.append([safe_cell(f"{table['code']} {f['scope_name']}{f['year']}年{table['title']}")])
        ws["A1"].font = bold
        ws.append([safe_cell(h) for h in table["headers"]])
        for cell in ws[2]:
            cell.font, cell.fill = bold, fill
        for row in table["rows"]:
            ws.append([safe_cell(v) for v in row])
        if table.get("note"):
            ws.append([])
            ws.append([safe_cell("注:" + table["note"])])
        for i, width in enumerate([28] + [14] * (len(table["headers"]) - 1)):
            ws.column_dimensions[chr(65 + i)].width = width
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def file_names(year: int, scope_code: str) -> dict[str, str]:
    stem = f"annual-{year}-{scope_code}"
    return {"statistics.html": f"{stem}-statistics.html", "whitepaper.html": f"{stem}-whitepaper.html",
            "statistics.pdf": f"{stem}-statistics.pdf", "whitepaper.pdf": f"{stem}-whitepaper.pdf",
            "tables.xlsx": f"{stem}-tables.xlsx"}


DOWNLOAD_NAMES = {"statistics.html": "年度人才工作统计报告.html", "whitepaper.html": "人才发展白皮书.html",
                  "statistics.pdf": "年度人才工作统计报告.pdf", "whitepaper.pdf": "人才发展白皮书.pdf",
                  "tables.xlsx": "年度人才工作统计报表.xlsx"}


def build(*, figures: dict, formats: list[str], out_dir: Path, scope_code: str, progress=None) -> dict[str, str]:
    """Write the requested formats into out_dir; returns {file key: file name}."""
    step = progress or (lambda *_: None)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = file_names(figures["year"], scope_code)
    written = {}

    def write(key: str, data: bytes):
        (out_dir / names[key]).write_bytes(data)
        written[key] = names[key]

    if "html" in formats:
        step(55, "生成 HTML")
        write("statistics.html", render_statistics(figures).encode())
        write("whitepaper.html", render_whitepaper(figures).encode())
    if "pdf" in formats:
        step(65, "生成统计报告 PDF")
        write("statistics.pdf", pdf_bytes(render_statistics(figures, for_pdf=True)))
        step(80, "生成白皮书 PDF")
        write("whitepaper.pdf", pdf_bytes(render_whitepaper(figures, for_pdf=True)))
    if "xlsx" in formats:
        step(92, "生成 Excel 报表")
        write("tables.xlsx", xlsx_bytes(figures))
    return written

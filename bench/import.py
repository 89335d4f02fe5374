"""Talent import and search benchmark (issue 5): rencai's importer vs django-import-export, and search at 1M rows.

    uv run python bench/import.py                       # 100k + 1M CSV, 100k xlsx, import-export on 20k, search
    uv run python bench/import.py --rows 100000 --formats csv --iex-sample 5000 --no-search

Every measurement runs in a fresh database (SQLite file in a temp dir, or --database-url postgres://…/<db> which
is created and dropped) in its own process, timed end to end (reading, validating, encrypting, writing,
committing), with the peak resident memory of that process and its children. Files are generated once
(rencai.talents.demo_data: synthetic people, valid checksums) and kept in --workdir.

django-import-export runs in its documented fast path (bulk mode: use_bulk, batch_size, skip_diff,
force_init_instance — the table is empty, so no per-row lookup) with the same file, the same model and the same
derived fields (keyed hash, Fernet token, masks), on a sample it can finish; figures are compared in rows/s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- child-process entry points

def _setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings.local")
    import django

    django.setup()


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def run_ours(path: str) -> dict:
    _setup_django()
    from rencai.talents import services

    started = time.perf_counter()
    job, result = services.talent_import_file(actor=None, path=path)
    seconds = time.perf_counter() - started
    assert result is not None and result.committed and not result.error_count, job.message
    return {"rows": result.created + result.updated + result.unchanged, "seconds": seconds, "peak_mb": _peak_mb()}


def run_iex(path: str, sample: int) -> dict:
    _setup_django()
    import csv
    import itertools

    import tablib
    from django.utils import timezone
    from import_export import fields, resources, widgets

    from rencai.orgs.models import OrgUnit
    from rencai.talents import crypto
    from rencai.talents.constants import EDUCATION_LABELS, TIER_LABELS, title_level_for
    from rencai.talents.models import Talent

    regions = dict(OrgUnit.objects.values_list("name", "pk"))
    now = timezone.now()
    key_id = crypto.primary_key_id()

    class TalentResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")
        birth_date = fields.Field(attribute="birth_date", column_name="出生日期", widget=widgets.DateWidget("%Y-%m-%d"))
        school = fields.Field(attribute="school", column_name="毕业院校")
        major = fields.Field(attribute="major", column_name="专业")
        title = fields.Field(attribute="title", column_name="职称")
        skill_level = fields.Field(attribute="skill_level", column_name="职业资格/技能等级")
        employer_name = fields.Field(attribute="employer_name", column_name="工作单位")
        employer_uscc = fields.Field(attribute="employer_uscc", column_name="统一社会信用代码")
        industry_code = fields.Field(attribute="industry_code", column_name="所属行业")
        introduced_on = fields.Field(attribute="introduced_on", column_name="引进日期", widget=widgets.DateWidget("%Y-%m-%d"))
        annual_salary = fields.Field(attribute="annual_salary", column_name="年薪(万元)", widget=widgets.DecimalWidget())
        honours = fields.Field(attribute="honours", column_name="荣誉/奖项")
        tier_label = fields.Field(attribute="tier_label", column_name="人才类别")
        # derived in before_import_row, as the same model needs them
        id_hash = fields.Field(attribute="id_hash", column_name="id_hash")
        id_masked = fields.Field(attribute="id_masked", column_name="id_masked")
        mobile_hash = fields.Field(attribute="mobile_hash", column_name="mobile_hash")
        mobile_masked = fields.Field(attribute="mobile_masked", column_name="mobile_masked")
        pii = fields.Field(attribute="pii", column_name="pii")
        pii_key = fields.Field(attribute="pii_key", column_name="pii_key")
        sex = fields.Field(attribute="sex", column_name="sex")
        education = fields.Field(attribute="education", column_name="education")
        degree = fields.Field(attribute="degree", column_name="degree")
        title_level = fields.Field(attribute="title_level", column_name="title_level")
        tier = fields.Field(attribute="tier", column_name="tier")
        introduction_mode = fields.Field(attribute="introduction_mode", column_name="introduction_mode")
        region_id = fields.Field(attribute="region_id", column_name="region_id", widget=widgets.IntegerWidget())
        created_at = fields.Field(attribute="created_at", column_name="created_at")
        updated_at = fields.Field(attribute="updated_at", column_name="updated_at")

        class Meta:
            model = Talent
            import_id_fields = ("id_hash",)
            fields = ("name", "birth_date", "school", "major", "title", "skill_level", "employer_name", "employer_uscc",
                      "industry_code", "introduced_on", "annual_salary", "honours", "tier_label", "id_hash", "id_masked",
                      "mobile_hash", "mobile_masked", "pii", "pii_key", "sex", "education", "degree", "title_level",
                      "tier", "introduction_mode", "region_id", "created_at", "updated_at")
            use_bulk = True
            batch_size = 1000
            skip_diff = True
            force_init_instance = True
            use_transactions = True

        def before_import_row(self, row, **kwargs):
            number, mobile = row["身份证号"], row["手机号"]
            row["id_hash"] = crypto.keyed_hash(number)
            row["id_masked"] = Talent.mask("id_number", number)
            row["mobile_hash"] = crypto.keyed_hash(mobile) if mobile else ""
            row["mobile_masked"] = Talent.mask("mobile", mobile) if mobile else ""
            row["pii"] = crypto.encrypt_pii({"id": number, "mobile": mobile} if mobile else {"id": number})
            row["pii_key"] = key_id
            row["sex"] = "M" if row["性别"] == "男" else "F"
            row["education"] = EDUCATION_LABELS[row["学历"]].value
            row["degree"] = {"博士": "doctor", "硕士": "master", "学士": "bachelor"}.get(row["学位"], "")
            row["title_level"] = title_level_for(row["职称"]).value if row["职称"] else "ungraded"
            row["tier"] = TIER_LABELS[row["人才类别"]].value if row["人才类别"] else None
            row["introduction_mode"] = "full_time" if row["引进方式(全职/柔性)"] == "全职" else "flexible"
            row["region_id"] = regions[row["所属区县"]]
            row["created_at"] = row["updated_at"] = now

    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        derived = ["id_hash", "id_masked", "mobile_hash", "mobile_masked", "pii", "pii_key", "sex", "education",
                   "degree", "title_level", "tier", "introduction_mode", "region_id", "created_at", "updated_at"]
        blank = [""] * len(derived)
        data = tablib.Dataset(*(row + blank for row in itertools.islice(reader, sample)), headers=header + derived)
    started = time.perf_counter()
    result = TalentResource().import_data(data, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - started
    assert not result.has_errors()
    assert Talent.objects.count() == len(data), Talent.objects.count()
    return {"rows": len(data), "seconds": seconds, "peak_mb": _peak_mb()}


def run_search(reps: int) -> dict:
    _setup_django()
    import datetime as dt

    from rencai.accounts.models import User
    from rencai.orgs.models import OrgUnit
    from rencai.talents import crypto, selectors
    from rencai.talents.models import Talent

    city_staff = User.objects.get(username="zz_rcb")
    district = User.objects.get(username="zz_hetang")
    admin = User.objects.get(username="admin")
    lusong = OrgUnit.objects.get(code="ZZ-D02").pk
    sample_id = Talent.objects.order_by("-id").values_list("pii", flat=True).first()
    some_id = crypto.decrypt_pii(sample_id)["id"]
    cases = {
        "全部,第 1 页": (admin, {}, 1),
        "全部,第 100 页": (admin, {}, 100),
        "市:全市": (city_staff, {}, 1),
        "区县工作人员(范围)": (district, {}, 1),
        "所属区县=芦淞区": (city_staff, {"region": lusong}, 1),
        "学历=博士": (admin, {"education": "doctorate"}, 1),
        "行业=C 制造业": (admin, {"industry": "C"}, 1),
        "行业=I65": (admin, {"industry": "I65"}, 1),
        "职称=正高级": (admin, {"title_level": "senior"}, 1),
        "类别=A": (admin, {"tier": "A"}, 1),
        "引进 2020-01-01..2021-12-31": (admin, {"introduced_from": dt.date(2020, 1, 1), "introduced_to": dt.date(2021, 12, 31)}, 1),
        "芦淞区+硕士+全职": (city_staff, {"region": lusong, "education": "master", "introduction_mode": "full_time"}, 1),
        "区县+类别C+按引进日期": (district, {"tier": "C", "sort": "-introduced_on"}, 1),
        "姓名/单位前缀“张”": (admin, {"q": "张"}, 1),
        "单位前缀“株洲”": (admin, {"q": "株洲"}, 1),
        "证件号精确查找": (admin, {"q": some_id}, 1),
    }
    timings: dict[str, list[float]] = {}
    counts: dict[str, list[float]] = {}
    for _ in range(reps):
        for label, (actor, filters, page) in cases.items():
            actor = User.objects.get(pk=actor.pk)  # no cached scope: a new request each time
            started = time.perf_counter()
            result = selectors.talent_search(actor=actor, filters=filters, page=page)
            _ = [t.region.name for t in result.rows]
            timings.setdefault(label, []).append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            selectors.talent_count(actor=actor, filters=filters)
            counts.setdefault(label, []).append((time.perf_counter() - started) * 1000)

    def p95(values):
        values = sorted(values)
        return values[max(0, int(len(values) * 0.95) - 1)]

    every = [x for values in timings.values() for x in values]
    every_count = [x for values in counts.values() for x in values]
    return {"rows": Talent.objects.count(), "p50_ms": statistics.median(every), "p95_ms": p95(every),
            "count_p50_ms": statistics.median(every_count), "count_p95_ms": p95(every_count),
            "cases": {k: {"p50": statistics.median(v), "p95": p95(v), "count_p95": p95(counts[k])}
                      for k, v in timings.items()}}


# ---------------------------------------------------------------- orchestration

def _env(database_url: str) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "rencai.settings.local"}


def _child(env: dict, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], cwd=ROOT, env=env, check=True, capture_output=True,
                         text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


class Database:
    """A fresh, migrated database with the demo org tree, removed afterwards."""

    def __init__(self, base_url: str | None, workdir: Path):
        self.base_url, self.workdir = base_url, workdir

    def __enter__(self) -> str:
        if self.base_url:
            import psycopg

            self.name = f"rencai_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(f"{self.base_url}/postgres", autocommit=True) as c:
                c.execute(f"CREATE DATABASE {self.name}")
            self.url = f"{self.base_url}/{self.name}"
        else:
            self.path = Path(tempfile.mkdtemp(dir=self.workdir)) / "bench.sqlite3"
            self.url = f"sqlite:///{self.path}"
        env = _env(self.url)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, "-c", "import django; django.setup(); from rencai.orgs import demo; demo.load()"],
                       cwd=ROOT, env=env, check=True)
        return self.url

    def __exit__(self, *exc):
        if self.base_url:
            import psycopg

            with psycopg.connect(f"{self.base_url}/postgres", autocommit=True) as c:
                c.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)


def _file(workdir: Path, rows: int, fmt: str) -> Path:
    path = workdir / f"talents-{rows}.{fmt}"
    if not path.exists():
        print(f"  generating {path.name} …", file=sys.stderr, flush=True)
        code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
                f"'rencai.settings.local'); import django; django.setup(); from rencai.talents import demo_data; "
                f"demo_data.write_{fmt}({str(path)!r}, {rows})")
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return path


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--formats", nargs="+", default=["csv", "xlsx"])
    parser.add_argument("--xlsx-max-rows", type=int, default=100_000, help="xlsx only up to this size")
    parser.add_argument("--iex-sample", type=int, default=20_000)
    parser.add_argument("--no-search", action="store_true")
    parser.add_argument("--search-reps", type=int, default=20)
    parser.add_argument("--database-url", help="postgres://user@host:port (a database is created and dropped)")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "rencai-bench"))
    args = parser.parse_args(argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    base = args.database_url.rstrip("/") if args.database_url else None
    report: dict = {"database": "postgresql" if base else "sqlite", "imports": [], "iex": None, "search": None}
    for rows in args.rows:
        for fmt in args.formats:
            if fmt == "xlsx" and rows > args.xlsx_max_rows:
                continue
            path = _file(workdir, rows, fmt)
            with Database(base, workdir) as url:
                print(f"rencai import {path.name} …", file=sys.stderr, flush=True)
                r = _child(_env(url), "_ours", str(path))
                r.update(file=path.name, rows_per_s=r["rows"] / r["seconds"])
                report["imports"].append(r)
                print(json.dumps(r, ensure_ascii=False), file=sys.stderr, flush=True)
                if fmt == "csv" and rows == max(args.rows) and not args.no_search:
                    print("search …", file=sys.stderr, flush=True)
                    subprocess.run([sys.executable, "-c", "import django; django.setup(); from rencai.orgs import demo; demo.load()"],
                                   cwd=ROOT, env=_env(url), check=True)
                    report["search"] = _child(_env(url), "_search", str(args.search_reps))
    if args.iex_sample:
        path = _file(workdir, min(args.rows), "csv")
        with Database(base, workdir) as url:
            print(f"django-import-export on {args.iex_sample} rows of {path.name} …", file=sys.stderr, flush=True)
            r = _child(_env(url), "_iex", str(path), str(args.iex_sample))
            r.update(file=path.name, rows_per_s=r["rows"] / r["seconds"])
            report["iex"] = r
        with Database(base, workdir) as url:  # ours on the very same sample, for the like-for-like ratio
            sample = workdir / f"talents-{args.iex_sample}.csv"
            if not sample.exists():
                with open(path, encoding="utf-8-sig") as src, open(sample, "w", encoding="utf-8-sig") as dst:
                    for i, line in enumerate(src):
                        if i > args.iex_sample:
                            break
                        dst.write(line)
            r = _child(_env(url), "_ours", str(sample))
            r.update(file=sample.name, rows_per_s=r["rows"] / r["seconds"])
            report["ours_on_iex_sample"] = r
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_ours":
        print(json.dumps(run_ours(sys.argv[2])))
    elif len(sys.argv) > 1 and sys.argv[1] == "_iex":
        print(json.dumps(run_iex(sys.argv[2], int(sys.argv[3]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "_search":
        print(json.dumps(run_search(int(sys.argv[2])), ensure_ascii=False))
    else:
        main()

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema


class TalentOut(Schema):
    """A talent as the API shows it: identifiers masked (5101**********1234), never the encrypted value."""

    id: int
    name: str
    id_type: str
    id_number_masked: str
    mobile_masked: str
    sex: str
    birth_date: date | None
    education: str
    degree: str
    school: str
    major: str
    title: str
    title_level: str
    skill_level: str
    employer_name: str
    employer_uscc: str
    region_id: int
    region_name: str
    industry_code: str
    introduction_mode: str
    introduced_on: date | None
    annual_salary: Decimal | None
    honours: str
    tier: str | None
    tier_label: str
    tags: str
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id_number_masked(obj):
        return obj.id_masked

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name


class TalentPageOut(Schema):
    count: int | None
    count_capped: bool
    page: int
    per_page: int
    has_next: bool
    items: list[TalentOut]


class TalentFilter(Schema):
    q: str | None = None
    region: int | None = None
    industry: str | None = None
    education: str | None = None
    degree: str | None = None
    title_level: str | None = None
    tier: str | None = None
    introduction_mode: str | None = None
    sex: str | None = None
    id_type: str | None = None
    introduced_from: date | None = None
    introduced_to: date | None = None
    tag: str | None = None
    sort: str | None = None


class UnmaskIn(Schema):
    field: str


class UnmaskOut(Schema):
    field: str
    value: str


class ImportJobOut(Schema):
    id: int
    filename: str
    status: str
    partial: bool
    total_rows: int
    created_count: int
    updated_count: int
    unchanged_count: int
    error_count: int
    error_rows: int
    errors: list[dict]
    warnings: list[str]
    message: str
    processed: int = 0
    percent: int | None = None
    report_url: str | None = None


class CountAsOfOut(Schema):
    on: date
    total: int | None = None
    by: str | None = None
    counts: dict[str, int] | None = None

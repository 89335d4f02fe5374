from ninja import Schema


class OrgUnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent_id: int | None
    region_id: int | None
    depth: int
    is_active: bool
    aliases: list[str]

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_aliases(obj):
        return [a.name for a in obj.aliases.all()]


class OrgUnitCreateIn(Schema):
    code: str
    name: str
    kind: str
    parent_id: int
    short_name: str = ""
    aliases: list[str] = []


class AliasIn(Schema):
    alias: str

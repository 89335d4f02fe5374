"""Masking of personal identifiers for display (最小必要): `5101**********1234`."""


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    value = str(value)
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value: str | None) -> str:
    if not value:
        return ""
    value = str(value)
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧**娜: enough for a clerk to recognise, not to identify."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]

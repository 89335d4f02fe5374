"""Logging filter that keeps personal data out of logs (个人信息保护法): ID numbers and mobiles are masked."""

import logging
import re

_ID_NUMBER = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def redact(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: m.group(1)[:4] + "*" * 10 + m.group(2)[-4:], text)
    return _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


class RedactPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix here
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True

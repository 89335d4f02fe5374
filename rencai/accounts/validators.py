"""Password policy: at least 10 characters from at least three character classes (等保2.0 口令复杂度)."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def character_classes(password: str) -> int:
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(c in string.punctuation or (not c.isalnum() and not c.isspace()) for c in password),
    ]
    return sum(classes)


class ComplexityValidator:
    def __init__(self, min_length: int = 10, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password, user=None):
        errors = []
        if len(password) < self.min_length:
            errors.append(ValidationError(_("密码至少需要 %(n)d 个字符。") % {"n": self.min_length}, code="password_too_short"))
        if character_classes(password) < self.min_classes:
            errors.append(
                ValidationError(
                    _("密码需包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。") % {"n": self.min_classes},
                    code="password_too_simple",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return _("至少 %(len)d 个字符,并包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。") % {
            "len": self.min_length,
            "n": self.min_classes,
        }

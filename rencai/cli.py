"""The `rencai` console command: every Django management command, plus the contract verbs.

    rencai serve                  start the platform at http://127.0.0.1:8000
    rencai demo [--talents N]     migrate if needed and load demo data (idempotent)
    rencai audit verify           re-compute the audit hash chain
    rencai createadmin            create a system administrator
    rencai parse FILE --json      parse a policy document
    rencai eval-parser GOLD_DIR   precision/recall/F1 of the parser against gold files
"""

from __future__ import annotations

import os
import sys

# (words typed) -> management command
VERBS: dict[tuple[str, ...], str] = {
    ("audit", "verify"): "audit_verify",
    ("audit", "flush"): "audit_flush",
    ("parse",): "policy_parse",
    ("eval-parser",): "parser_eval",
    ("import", "talents"): "talent_import",
    ("classify",): "talent_classify",
    ("report", "annual"): "report_annual",
    ("serve",): "serve",
}


def translate(argv: list[str]) -> list[str]:
    for words, command in sorted(VERBS.items(), key=lambda kv: -len(kv[0])):
        if tuple(argv[: len(words)]) == words:
            return [command, *argv[len(words):]]
    return argv


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings.local")
    from django.core.management import execute_from_command_line

    if not argv or argv[0] in ("-h", "--help", "help") and len(argv) == 1:
        print(__doc__)
        execute_from_command_line(["rencai", "help"])
        return
    execute_from_command_line(["rencai", *translate(argv)])


if __name__ == "__main__":
    main()

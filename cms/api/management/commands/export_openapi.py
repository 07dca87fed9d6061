"""``manage.py export_openapi``: write, check or release the committed OpenAPI document.

    python manage.py export_openapi              # regenerate frontend_contracts/openapi.json
    python manage.py export_openapi --check      # exit 1 if the file is out of date
    python manage.py export_openapi --breaking   # exit 1 on a breaking change vs the last release
    python manage.py export_openapi --release 1.1  # freeze the file as released/openapi-v1.1.json

``make contracts`` runs the first one (and the example payloads).
"""

from __future__ import annotations

import difflib
import shutil

from django.core.management.base import BaseCommand, CommandError

from cms.api.management import breaking
from cms.api.management.openapi_doc import (
    DOCUMENT_PATH,
    RELEASED_DIR,
    ContractGenerationRefused,
    dumps,
    generate_document,
    load,
    released_documents,
)


class Command(BaseCommand):
    help = "生成、检查或发布前端接口契约 frontend_contracts/openapi.json(OpenAPI 3)。"
    # The document is text from the code: it needs no database and no system
    # check (``manage.py check`` and the test suite run those).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--stdout", dest="to_stdout", action="store_true", help="只输出到标准输出,不写文件。"
        )
        mode.add_argument(
            "--check", action="store_true", help="文件与代码生成的文档不一致时以状态 1 退出。"
        )
        mode.add_argument(
            "--breaking",
            action="store_true",
            help="与最近发布的版本(released/)相比有破坏性变更时以状态 1 退出。",
        )
        mode.add_argument(
            "--release",
            metavar="VERSION",
            help="把已提交的 openapi.json 冻结为 released/openapi-vVERSION.json。",
        )

    def handle(self, *args, **options):
        if options["release"]:
            return self._release(options["release"])
        if options["breaking"]:
            return self._breaking()
        try:
            text = dumps(generate_document())
        except ContractGenerationRefused as exc:
            raise CommandError(str(exc)) from exc
        if options["to_stdout"]:
            self.stdout.write(text, ending="")
        elif options["check"]:
            committed = DOCUMENT_PATH.read_text(encoding="utf-8") if DOCUMENT_PATH.exists() else ""
            if committed != text:
                diff = difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    "frontend_contracts/openapi.json (committed)",
                    "generated from the code",
                )
                self.stderr.write("".join(diff))
                raise CommandError("openapi.json 已过期:运行 python manage.py export_openapi")
            self.stdout.write("openapi.json is up to date.")
        else:
            DOCUMENT_PATH.parent.mkdir(parents=True, exist_ok=True)
            DOCUMENT_PATH.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {DOCUMENT_PATH}")

    def _release(self, version: str):
        if not DOCUMENT_PATH.exists():
            raise CommandError("no frontend_contracts/openapi.json; run export_openapi first")
        target = RELEASED_DIR / f"openapi-v{version}.json"
        if target.exists():
            raise CommandError(f"{target.name} exists: a released contract is never rewritten")
        RELEASED_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DOCUMENT_PATH, target)
        self.stdout.write(f"wrote {target}")

    def _breaking(self):
        released = released_documents()
        if not released:
            self.stdout.write("no released contract yet")
            return
        changes = breaking.find_breaking_changes(load(released[-1]), load(DOCUMENT_PATH))
        for change in changes:
            self.stdout.write(str(change))
        if changes:
            raise CommandError(f"{len(changes)} breaking change(s) against {released[-1].name}")
        self.stdout.write(f"no breaking change against {released[-1].name}")

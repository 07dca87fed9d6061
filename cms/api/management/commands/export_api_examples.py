"""``manage.py export_api_examples``: record frontend_contracts/examples/ from the demo data.

By default the command runs itself again in a child process on a throwaway
SQLite database (migrate, ``load_demo --small``, ``load_plugin_demo``, search
index), so your own database is never touched; ``--in-this-database`` records against the
configured database as it is (the child uses it). Every recorded payload is
validated against the committed document; a mismatch is reported and, with
``--strict``, fails the command.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.test import Client, override_settings

from cms.api.management import examples
from cms.api.management.openapi_doc import DOCUMENT_PATH, EXAMPLES_DIR, load

#: Commands that build the search index after the demo is loaded, if the project has them.
SEARCH_INDEX_COMMANDS = ("rebuild_search",)


class Command(BaseCommand):
    help = "用演示数据生成各接口的示例响应 frontend_contracts/examples/*.json,并按契约校验。"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--in-this-database",
            action="store_true",
            help="不新建临时数据库,直接用当前配置的数据库(须已加载演示数据)。",
        )
        parser.add_argument("--load-demo", action="store_true", help=argparse_hidden())
        parser.add_argument("--strict", action="store_true", help="示例与契约不符时以状态 1 退出。")
        parser.add_argument("--output", default=str(EXAMPLES_DIR), help="输出目录。")

    def handle(self, *args, **options):
        if not options["in_this_database"]:
            return self._in_child(options)
        if options["load_demo"]:
            call_command("migrate", verbosity=0, interactive=False)
            call_command("load_demo", small=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
            # Each plugin's demo rows, as `make demo` loads them (plugins' GET examples).
            call_command("load_plugin_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        available = get_commands()
        for name in SEARCH_INDEX_COMMANDS:
            if name in available:
                call_command(name, verbosity=0)
                break
        document = load(DOCUMENT_PATH)
        with override_settings(SECURE_SSL_REDIRECT=False, ALLOWED_HOSTS=["*"]):
            recorder = examples.Recorder(Client(raise_request_exception=False), document)
            plan = recorder.plan(token=_demo_token())
            recorded = {example.name: recorder.record(example) for example in plan}
        failures = []
        for example in plan:
            response = recorded[example.name]["response"]
            if response["status"] != example.expected_status:
                failures.append(f"{example.name}: status {response['status']}, "
                                f"expected {example.expected_status}")  # fmt: skip
            for error in examples.validation_errors(
                document, example.operation_id, response["status"], response["content_type"],
                response["body"],
            ):  # fmt: skip
                failures.append(f"{example.name}: {error}")
        examples.write(recorded, Path(options["output"]))
        self.stdout.write(f"wrote {len(recorded)} examples to {options['output']}")
        missing = examples.undocumented_get_operations(document, plan)
        if missing:
            failures += [f"{op_id}: no example (add one to cms/api/management/examples.py)"
                         for op_id in missing]  # fmt: skip
        for failure in failures:
            self.stderr.write(failure)
        if failures and options["strict"]:
            raise CommandError(f"{len(failures)} example(s) do not match the contract")

    def _in_child(self, options):
        with tempfile.TemporaryDirectory(prefix="lianxi-examples-") as tmp:
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{tmp}/examples.sqlite3",
                "MEDIA_ROOT": f"{tmp}/media",
                "LIANXI_TEST_EXAMPLE_PLUGIN": "0",
                "SECURE_SSL_REDIRECT": "0",
                "REDIS_URL": "",
                "ELASTICSEARCH_URL": "",
            }
            command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"),
                       "export_api_examples", "--in-this-database", "--load-demo",
                       "--output", options["output"]]  # fmt: skip
            if options["strict"]:
                command.append("--strict")
            self.stdout.write("loading the small demo into a throwaway database (about a minute)…")
            result = subprocess.run(command, env=env, cwd=settings.BASE_DIR, check=False)
            if result.returncode:
                raise CommandError(f"export_api_examples failed ({result.returncode})")


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


def _demo_token() -> str | None:
    """A fresh token for a demo editor (Wagtail's ``APIToken``), to record ``/api/v1/me/``."""
    from django.contrib.auth import get_user_model
    from wagtail.models import APIToken

    user = get_user_model().objects.filter(username="feixi_editor").first()
    if user is None:
        return None
    return APIToken.create_token(user=user, name="export_api_examples")[1]

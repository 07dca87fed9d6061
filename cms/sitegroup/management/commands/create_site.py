"""``manage.py create_site``: create (or repair) a site of the group.

    python manage.py create_site 340123 肥西县人大常委会 --region-name 肥西县 \\
        --short-name 肥西 --parent 340100 --grant-parent-staff \\
        --township 340123100:上派镇人大 --township 340123101:桃花镇人大

Runs ``provision_site`` (page tree, standard columns, collection, staff
groups and their permissions); re-running with the same code updates names
and repairs what is missing, never duplicates.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms.sitegroup.models import (
    Level,
    SiteProfile,
    division_code_validator,
    level_for_code,
    township_code_validator,
)
from cms.sitegroup.provisioning import (
    SiteSpec,
    grant_descendant_access,
    grant_tree_root_access,
    provision_site,
    provision_township,
)


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Create or repair a site of the congress site group (新建站点)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="GB/T 2260 division code, six digits (e.g. 340123)")
        parser.add_argument("name", help="site name, e.g. 肥西县人大常委会")
        parser.add_argument("--region-name", required=True, help="e.g. 肥西县")
        parser.add_argument("--short-name", default="", help="e.g. 肥西")
        parser.add_argument("--english-name", default="")
        parser.add_argument("--parent", dest="parent_code", help="parent site's code")
        parser.add_argument("--hostname", help="default: <code>.localhost")
        parser.add_argument("--port", type=int, default=80)
        parser.add_argument("--default-site", action="store_true", help="make it the default site")
        parser.add_argument(
            "--grant-parent-staff",
            action="store_true",
            help="let the parent site's staff manage this site (grant_descendant_access)",
        )
        parser.add_argument(
            "--whole-tree",
            action="store_true",
            help="province only: its staff manage every site, including future ones",
        )
        parser.add_argument(
            "--township",
            action="append",
            default=[],
            metavar="CODE:NAME",
            help="county only: a township column, nine-digit code; repeatable",
        )

    def _check(self, options) -> tuple[str, list[tuple[str, str]]]:
        code = options["code"].strip()
        try:
            division_code_validator(code)
        except ValidationError as exc:
            raise CommandError(f"Bad division code {code!r}: {_messages(exc)}") from exc
        level = level_for_code(code)
        parent_code = options["parent_code"]
        if parent_code and not SiteProfile.objects.filter(division_code=parent_code).exists():
            raise CommandError(f"Unknown parent site {parent_code!r}: create it first.")
        if level != Level.PROVINCE and not parent_code:
            raise CommandError(f"Site {code} is {level.label}: --parent CODE is required.")
        if options["whole_tree"] and level != Level.PROVINCE:
            raise CommandError("--whole-tree is only for the province's site.")
        if options["grant_parent_staff"] and not parent_code:
            raise CommandError("--grant-parent-staff needs --parent.")
        townships = []
        for item in options["township"]:
            t_code, sep, t_name = item.partition(":")
            t_code, t_name = t_code.strip(), t_name.strip()
            if not sep or not t_name:
                raise CommandError(f"Bad --township {item!r}: expected CODE:NAME.")
            try:
                township_code_validator(t_code)
            except ValidationError as exc:
                raise CommandError(f"Bad township code {t_code!r}: {_messages(exc)}") from exc
            if not t_code.startswith(code):
                raise CommandError(f"Township {t_code} does not lie in county {code}.")
            townships.append((t_code, t_name))
        if townships and level != Level.COUNTY:
            raise CommandError("--township is only for county sites.")
        return code, townships

    def handle(self, *args, **options):
        code, townships = self._check(options)
        spec = SiteSpec(
            division_code=code,
            name=options["name"].strip(),
            region_name=options["region_name"].strip(),
            short_name=options["short_name"].strip(),
            english_name=options["english_name"].strip(),
            parent_code=options["parent_code"],
            hostname=options["hostname"],
            port=options["port"],
            is_default_site=options["default_site"],
        )
        try:
            with transaction.atomic():
                profile, created = provision_site(spec)
                granted = 0
                if options["grant_parent_staff"]:
                    granted = grant_descendant_access(profile.parent)
                if options["whole_tree"]:
                    grant_tree_root_access(profile)
                made = [(t, *provision_township(profile, t, n)) for t, n in townships]
        except ValidationError as exc:
            raise CommandError(f"Cannot create site {code}: {_messages(exc)}") from exc

        out = self.stdout
        verb = "Created" if created else "Updated (already existed)"
        site = profile.site
        out.write(self.style.SUCCESS(f"{verb} site {profile.division_code} {profile.name}"))
        out.write(f"  level: {profile.level}  parent: {profile.parent or '-'}")
        out.write(f"  hostname: {site.hostname}:{site.port}  home page id: {site.root_page_id}")
        out.write(f"  collection: {profile.collection.name}")
        for group in profile.groups:
            out.write(f"  group: {group.name}")
        if granted:
            out.write(f"  parent staff granted on {granted} site(s) below {profile.parent}")
        if options["whole_tree"]:
            out.write("  staff granted on the whole tree")
        for t_code, page, t_created in made:
            state = "created" if t_created else "exists"
            out.write(f"  township {t_code} {page.title}: {state}")

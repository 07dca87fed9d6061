"""Demo data, loaded by ``make demo`` for every site that has the plugin switched on."""

from .models import Entry


def load_demo(profile) -> None:
    """Create this site's demo rows; running it again changes nothing."""
    Entry.objects.get_or_create(
        site_id=profile.site_id,
        title=f"{profile.short_name or profile.name}:示例示例",
        defaults={"body": "这是演示数据。"},
    )

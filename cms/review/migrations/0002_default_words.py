from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "default_words.txt"


def load_words(apps, schema_editor):
    SensitiveWord = apps.get_model("review", "SensitiveWord")
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, word, replacement = (line.split("\t") + ["", ""])[:3]
        SensitiveWord.objects.get_or_create(
            site=None, word=word.strip(),
            defaults={"kind": kind.strip(), "replacement": replacement.strip(), "note": "默认词表"},
        )


def unload_words(apps, schema_editor):
    SensitiveWord = apps.get_model("review", "SensitiveWord")
    SensitiveWord.objects.filter(site=None, note="默认词表").delete()


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]
    operations = [migrations.RunPython(load_words, unload_words)]

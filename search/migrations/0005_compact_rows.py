"""PostgreSQL: keep the index's rows short, their long text out of line.

Search reads a few short columns of up to ``count_cap`` matching rows (site, level,
type, date) and the text of one page of hits. With the default TOAST target (about
2 kB) a row kept its compressed body and body tokens inline: ~4 rows per 8 kB block,
so counting 10,000 matches read ~3,000-6,000 blocks. With a target of 512 bytes the
body, the body tokens and the ``tsvector`` are stored out of line and the short
columns (title, ``title_tsv`` for ranking, codes, date) stay: ~20 rows per block.

Takes effect for each entry as it is written: ``manage.py rebuild_search`` rewrites
them all (upsert in place; searches keep answering). SQLite: nothing to do.
"""

from django.db import migrations

TABLE = "search_index_searchentry"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (toast_tuple_target = 512)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [("search_index", "0004_audience")]
    operations = [migrations.RunPython(forwards, backwards)]

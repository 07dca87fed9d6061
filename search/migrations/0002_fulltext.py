"""The full-text index, per database vendor (see search/models.py)."""

from django.db import migrations

# The FTS rowid is a sort key, newest first when read in descending order: the
# date's day number times 10^12 plus the row id. FTS5 returns matches in rowid
# order without sorting, so "the newest N matches" stops after N rows however
# common the word is. ``sort_key`` (a virtual generated column, indexed) joins back.
SORT_KEY = "(CAST(COALESCE(julianday({t}date), 0) AS INTEGER) * 1000000000000 + {t}id)"

SQLITE = [
    f"""ALTER TABLE search_index_searchentry ADD COLUMN sort_key INTEGER
        GENERATED ALWAYS AS ({SORT_KEY.format(t="")}) VIRTUAL""",
    "CREATE UNIQUE INDEX search_index_sort_key ON search_index_searchentry (sort_key)",
    """CREATE VIRTUAL TABLE search_index_fts USING fts5(
        title_tokens, body_tokens, scope_tokens,
        content='search_index_searchentry', content_rowid='sort_key',
        tokenize='unicode61 remove_diacritics 0'
    )""",
    f"""CREATE TRIGGER search_index_fts_ai AFTER INSERT ON search_index_searchentry BEGIN
        INSERT INTO search_index_fts(rowid, title_tokens, body_tokens, scope_tokens)
        VALUES ({SORT_KEY.format(t="new.")}, new.title_tokens, new.body_tokens, new.scope_tokens);
    END""",
    f"""CREATE TRIGGER search_index_fts_ad AFTER DELETE ON search_index_searchentry BEGIN
        INSERT INTO search_index_fts(search_index_fts, rowid, title_tokens, body_tokens, scope_tokens)
        VALUES ('delete', {SORT_KEY.format(t="old.")}, old.title_tokens, old.body_tokens, old.scope_tokens);
    END""",
    f"""CREATE TRIGGER search_index_fts_au AFTER UPDATE OF title_tokens, body_tokens, scope_tokens, date
        ON search_index_searchentry BEGIN
        INSERT INTO search_index_fts(search_index_fts, rowid, title_tokens, body_tokens, scope_tokens)
        VALUES ('delete', {SORT_KEY.format(t="old.")}, old.title_tokens, old.body_tokens, old.scope_tokens);
        INSERT INTO search_index_fts(rowid, title_tokens, body_tokens, scope_tokens)
        VALUES ({SORT_KEY.format(t="new.")}, new.title_tokens, new.body_tokens, new.scope_tokens);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_index_fts_au",
    "DROP TRIGGER IF EXISTS search_index_fts_ad",
    "DROP TRIGGER IF EXISTS search_index_fts_ai",
    "DROP TABLE IF EXISTS search_index_fts",
    "DROP INDEX IF EXISTS search_index_sort_key",
    "ALTER TABLE search_index_searchentry DROP COLUMN sort_key",
]

POSTGRESQL = [
    """ALTER TABLE search_index_searchentry ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title_tokens), 'A')
        || setweight(to_tsvector('simple', 'x0gap ' || body_tokens), 'D')
        || setweight(to_tsvector('simple', 'x0gap ' || scope_tokens), 'D')
    ) STORED""",
    """ALTER TABLE search_index_searchentry ADD COLUMN title_tsv tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', title_tokens)
    ) STORED""",
    "CREATE INDEX search_index_tsv_gin ON search_index_searchentry USING gin (tsv)",
    "CREATE INDEX search_index_title_tsv_gin ON search_index_searchentry USING gin (title_tsv)",
    # Newest first, for the candidate window of very common words.
    "CREATE INDEX search_index_recent ON search_index_searchentry (date DESC NULLS LAST, id DESC)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_index_recent",
    "DROP INDEX IF EXISTS search_index_title_tsv_gin",
    "DROP INDEX IF EXISTS search_index_tsv_gin",
    "ALTER TABLE search_index_searchentry DROP COLUMN IF EXISTS title_tsv",
    "ALTER TABLE search_index_searchentry DROP COLUMN IF EXISTS tsv",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}.get(
        schema_editor.connection.vendor, []
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search_index", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

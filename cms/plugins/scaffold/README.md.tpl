# ${english_name} (${verbose_name})

A Lianxi plugin. Install it next to Lianxi (`pip install .`); Lianxi finds it
through the `lianxi.plugins` entry point, `python manage.py migrate` creates its
tables, and its API answers at `/api/v1/${label}/entries/?site=<division code>`.

Run its tests from the Lianxi project directory:
`pytest path/to/this/directory/tests`.

"""Site-group search that understands Chinese (Django app label ``search_index``).

Public API for plugins: ``search.registry.RecordProvider`` and
``search.registry.register``; for core code: ``search.backends.get_engine()``
and ``search.backends.SearchQuery``. See docs/search.md.
"""

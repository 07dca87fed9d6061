"""Core services that plugins share, each in one place (public plugin API).

* ``cms.services.sites``: find a site by division code;
* ``cms.services.sensitive``: the sensitive/wrong-word check on any text;
* ``cms.services.workdays``: the working-day calendar (public holidays and
  make-up working days), for deadlines counted in working days;
* ``cms.services.notifications``: send a message through pluggable channels;
* ``cms.services.audit``: record an action in Wagtail's audit log;
* ``cms.services.performance``: add entries to deputies' performance records
  (kept by the ``deputies`` plugin, which registers itself as the backend).
"""

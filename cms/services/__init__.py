"""Core services that plugins share, each in one place (public plugin API).

* ``cms.services.sites``: find a site by division code;
* ``cms.services.sensitive``: the sensitive/wrong-word check on any text;
* ``cms.services.workdays``: the working-day calendar (public holidays and
  make-up working days), for deadlines counted in working days;
* ``cms.services.deadlines``: statutory clocks (start, pause, extend, stop,
  states, reminders) with per-level and per-site time limits;
* ``cms.services.tasks``: background tasks (``@task()``, ``enqueue``);
* ``cms.services.schedule``: periodic sweeps (``register_sweep``);
* ``cms.services.notifications``: the inbox and e-mail / SMS / WeChat
  deliveries with preferences, a delivery log and retries;
* ``cms.services.sms``: sending an SMS (``send_sms``);
* ``cms.services.wechat``: the WeChat mini-program server API;
* ``cms.services.audit``: record an action in Wagtail's audit log;
* ``cms.services.fetch``: outbound fetches (public addresses only), ``probe`` for link
  checks and availability;
* ``cms.services.site_content``: what a site shows the public (pages, dates, texts,
  links), read in bulk for checks over a whole site;
* ``cms.services.inspection_sources``: overdue citizens' messages and suggestions for
  the site-group inspection (backed by the plugins that keep them);
* ``cms.services.charts``: server-side SVG charts (pygal, no script);
* ``cms.services.performance``: add entries to deputies' performance records
  (kept by the ``deputies`` plugin, which registers itself as the backend);
* ``cms.services.audience``: who may see a record that is not public (deputies of
  levels, congresses, terms, delegations, groups; sites' staff; named people),
  matched in SQL for lists, and its members for notifications.

docs/where-things-live.md lists them with how to use each.
"""

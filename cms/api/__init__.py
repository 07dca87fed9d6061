"""The REST API root (``/api/v1/``): plugin routes and the OpenAPI document.

Site convention: every site-scoped route names its site explicitly with the
``site`` query parameter, a GB/T 2260 division code (six digits for a portal,
nine for a township column, which addresses its county's site):
``GET /api/v1/<label>/items/?site=340123``. The site is never inferred from the
Host header alone, because a mini-program talks to one host for every site.
A missing ``site`` answers 400, an unknown code 404, and a plugin switched off
for that site 404, all as ``application/problem+json`` (RFC 9457).
"""

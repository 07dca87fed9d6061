"""API access: token authentication, per-site CORS origins, API cache invalidation and CDN purge."""

"""Micro-portal configuration of each site (theme, contacts, banners, navigation).

Edited in the Wagtail admin as site settings (设置 → 微门户) and served by
``GET /api/v1/sites/<code>/``.
"""

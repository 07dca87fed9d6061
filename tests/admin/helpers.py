"""What the admin tests share: logged-in clients and the article form's data."""

from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.content.models import ArticlePage, ColumnPage


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def first_column(profile):
    return ColumnPage.objects.child_of(profile.root_page).order_by("path").first()


def article_form(title, text="正文。", *, slug="", date="2026-03-01", **extra):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "date": date,
            "source": "",
            "author": "",
            "summary": "",
            "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]),
            "attachments": inline_formset([]),
            "comments": inline_formset([]),
            "confidentiality": "public",
            "seo_title": "",
            "search_description": "",
            **extra,
        }
    )


def add_url(column) -> str:
    return reverse("wagtailadmin_pages:add", args=("content", "articlepage", column.pk))


def created(column, title) -> ArticlePage:
    return ArticlePage.objects.child_of(column).get(title=title)

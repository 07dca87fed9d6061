"""Admin: 设置 → 网站纠错, each site's readers' reports, answered by its editors.

Saving a report as 已处理 with an answer tells its author in their inbox.
Reports still held for moderation are listed with their state; their text is
public nowhere either way.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail_modeladmin.options import modeladmin_register

from cms.services import notifications
from cms.sitegroup.admin import SiteEditView, SiteOwnedModelAdmin

from .models import Feedback, State


class FeedbackEditView(SiteEditView):
    def form_valid(self, form):
        became_handled = (
            "state" in form.changed_data and form.cleaned_data["state"] == State.HANDLED
        )
        if became_handled:
            form.instance.handled_at = timezone.now()
        response = super().form_valid(form)
        item = self.instance
        if became_handled and item.author_id:
            notifications.notify([item.author], "您的纠错已处理", item.answer or "感谢您的指正,问题已处理。",
                                 kind="feedback.handled", site=item.site, dedupe_key=f"feedback:{item.pk}:handled")  # fmt: skip
        return response


class FeedbackAdmin(SiteOwnedModelAdmin):
    model = Feedback
    menu_label = _("网站纠错")
    menu_icon = "help"
    menu_order = 906
    add_to_settings_menu = True
    list_display = ("__str__", "site", "moderation_status", "state", "created_at")
    list_filter = ("category", "state", "moderation_status")
    search_fields = ("description",)
    edit_view_class = FeedbackEditView
    edit_handler = ObjectList(
        [FieldPanel("description", read_only=True), FieldPanel("state"), FieldPanel("answer")]
    )


modeladmin_register(FeedbackAdmin)

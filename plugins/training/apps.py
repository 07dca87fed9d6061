"""The training plugin's declaration (代表学习培训)."""

from django.utils.translation import gettext_lazy as _

from cms.plugins import PluginConfig


class TrainingConfig(PluginConfig):
    default = True
    name = "plugins.training"
    label = "training"
    verbose_name = _("学习培训")
    english_name = "Training"
    version = "0.1.0"
    core_version = ">=0.1,<1"
    default_auto_field = "django.db.models.BigAutoField"
    api_urls = "api.urls"
    default_settings = {
        # A player's progress reports are kept at most this often per lesson (seconds);
        # reports in between are answered and held in the cache, not written.
        "PROGRESS_WRITE_SECONDS": 15,
        # Lesson media (video, audio, PDF, images) larger than this are refused (bytes).
        "MEDIA_MAX_BYTES": 500 * 1024 * 1024,
    }
    # The office (a site's editors) builds courses and classes; reviewers look.
    group_permissions = {
        "editors": tuple(
            f"training.{action}_{model}"
            for model in ("course", "offlineclass")
            for action in ("add", "change", "view")
        ),
        "first_reviewers": ("training.view_course", "training.view_offlineclass"),
        "final_reviewers": (
            "training.view_course",
            "training.change_course",
            "training.delete_course",
            "training.view_offlineclass",
            "training.change_offlineclass",
            "training.delete_offlineclass",
        ),
    }
    openapi_enum_names = {
        "TrainingLessonKindEnum": "plugins.training.models.LessonKind",
        "TrainingCourseKindEnum": "plugins.training.models.CourseKind",
        "TrainingEnrolmentModeEnum": "plugins.training.models.EnrolmentMode",
    }

    def ready(self) -> None:
        super().ready()
        from django.db.models.signals import post_delete

        from . import service
        from .models import Course, Lesson, OfflineClass

        for model in (Course, OfflineClass):
            post_delete.connect(service.drop_audience, sender=model,
                                dispatch_uid=f"training_audience_{model.__name__}")  # fmt: skip
        post_delete.connect(service.drop_lesson_file, sender=Lesson,
                            dispatch_uid="training_lesson_file")  # fmt: skip
        from cms.services.audit import register_action
        from cms.services.notifications import register_kind

        register_kind("training.assigned", "学习培训:指定课程", {"email": "digest"})
        register_kind("training.class", "学习培训:线下培训通知", {"email": "digest"})

        for action, label in (
            ("training.published", "发布培训课程"),
            ("training.unpublished", "撤下培训课程"),
            ("training.audience", "修改培训对象"),
            ("training.completed", "完成培训课程"),
            ("training.attendance", "登记线下培训出勤"),
            ("training.exported", "导出培训覆盖情况"),
            ("training.law_linked", "课程关联法规"),
            ("training.law_unlinked", "取消课程关联法规"),
        ):
            register_action(action, label)

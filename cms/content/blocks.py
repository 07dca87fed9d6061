"""StreamField blocks shared by every core page type.

Each block is what a congress portal actually publishes: text, pictures,
tables (vote counts, budgets), attachments (the official PDF/OFD), audio
and video of sessions, quotes of speeches.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = [
    "h2", "h3", "h4", "bold", "italic", "ol", "ul", "hr", "link", "document-link",
    "superscript", "subscript",
]  # fmt: skip


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("标题"), max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("二级")), ("h3", _("三级")), ("h4", _("四级"))],
        default="h2",
        label=_("级别"),
    )

    class Meta:
        icon = "title"
        label = _("小标题")


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("图片"))
    caption = blocks.CharBlock(label=_("图片说明"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("图片")


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("组图标题"), required=False, max_length=200)
    images = blocks.ListBlock(ImageBlock(), label=_("图片"), min_num=1)

    class Meta:
        icon = "image"
        label = _("组图")


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("文件"))
    title = blocks.CharBlock(label=_("显示名称"), required=False, max_length=255)

    class Meta:
        icon = "doc-full"
        label = _("附件")


class AudioBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("标题"), max_length=255)
    file = DocumentChooserBlock(label=_("音频文件"), required=False)
    url = blocks.URLBlock(label=_("音频地址"), required=False)
    transcript = blocks.TextBlock(label=_("文字稿"), required=False)

    class Meta:
        icon = "media"
        label = _("音频")


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("标题"), max_length=255)
    file = DocumentChooserBlock(label=_("视频文件"), required=False)
    url = blocks.URLBlock(label=_("视频地址"), required=False)
    poster = ImageChooserBlock(label=_("封面"), required=False)
    duration_seconds = blocks.IntegerBlock(label=_("时长(秒)"), required=False, min_value=0)

    class Meta:
        icon = "media"
        label = _("视频")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("引文"))
    attribution = blocks.CharBlock(label=_("出处"), required=False, max_length=255)

    class Meta:
        icon = "openquote"
        label = _("引用")


class SpeechBlock(blocks.StructBlock):
    """A deputy's or member's deliberation speech at a meeting."""

    speaker = blocks.CharBlock(label=_("发言人"), max_length=100)
    role = blocks.CharBlock(label=_("身份"), required=False, max_length=200)
    text = blocks.RichTextBlock(label=_("发言内容"), features=RICH_TEXT_FEATURES)
    audio = DocumentChooserBlock(label=_("录音"), required=False)
    video = DocumentChooserBlock(label=_("录像"), required=False)

    class Meta:
        icon = "user"
        label = _("审议发言")


class AgendaItemBlock(blocks.StructBlock):
    item = blocks.CharBlock(label=_("议程"), max_length=255)
    note = blocks.CharBlock(label=_("说明"), required=False, max_length=255)

    class Meta:
        icon = "list-ol"
        label = _("议程项")


class BodyBlock(blocks.StreamBlock):
    """The body of every content page."""

    paragraph = blocks.RichTextBlock(label=_("正文"), features=RICH_TEXT_FEATURES, icon="pilcrow")
    heading = HeadingBlock()
    image = ImageBlock()
    gallery = GalleryBlock()
    table = TableBlock(label=_("表格"))
    attachment = AttachmentBlock()
    audio = AudioBlock()
    video = VideoBlock()
    quote = QuoteBlock()

    class Meta:
        label = _("正文")


class MeetingBodyBlock(BodyBlock):
    """Meetings add deliberation speeches to the usual blocks."""

    speech = SpeechBlock()


class AgendaBlock(blocks.StreamBlock):
    item = AgendaItemBlock()

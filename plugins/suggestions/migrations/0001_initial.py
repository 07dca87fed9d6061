
import cms.services.sensitive
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0002_unit_staff_group'),
        ('moderation', '0002_site_permissions'),
        ('wagtailcore', '0098_apitoken'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Suggestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('moderation_status', models.CharField(choices=[('pending', '待审核'), ('approved', '已通过'), ('rejected', '已退回')], db_index=True, default='approved', max_length=10, verbose_name='审核状态')),
                ('moderation_reason', models.CharField(blank=True, max_length=500, verbose_name='退回理由')),
                ('kind', models.CharField(choices=[('suggestion', '建议'), ('motion', '议案')], default='suggestion', max_length=16, verbose_name='类别')),
                ('title', models.CharField(max_length=200, verbose_name='标题')),
                ('text', models.TextField(max_length=10000, verbose_name='内容')),
                ('category', models.CharField(blank=True, choices=[('economy', '经济发展'), ('agriculture', '农业农村'), ('transport', '交通建设'), ('education', '教育科技'), ('health', '医疗卫生'), ('environment', '生态环境'), ('social', '社会保障'), ('governance', '社会治理'), ('other', '其他')], max_length=16, verbose_name='分类')),
                ('period', models.CharField(choices=[('session', '大会期间'), ('recess', '闭会期间')], default='recess', max_length=16, verbose_name='提出时间')),
                ('deputy_ref', models.CharField(blank=True, max_length=32, verbose_name='领衔代表编号')),
                ('deputy_name', models.CharField(blank=True, max_length=50, verbose_name='领衔代表')),
                ('on_paper', models.BooleanField(default=False, verbose_name='纸质提交,工作人员代录')),
                ('state', models.CharField(choices=[('draft', '草稿'), ('submitted', '已提交'), ('accepted', '已立案'), ('returned', '已退回'), ('assigned', '办理中'), ('replied', '已答复'), ('rehandling', '重新办理'), ('rated', '已评价'), ('closed', '已办结'), ('withdrawn', '已撤回')], db_index=True, default='draft', max_length=16, verbose_name='状态')),
                ('return_reason', models.CharField(blank=True, max_length=500, verbose_name='退回理由')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                ('assigned_on', models.DateField(blank=True, null=True, verbose_name='交办日期')),
                ('round', models.PositiveSmallIntegerField(default=0, verbose_name='答复轮次')),
                ('reply_class', models.CharField(blank=True, choices=[('A', 'A类:已解决或基本解决'), ('B', 'B类:正在解决或列入计划解决'), ('C', 'C类:因条件限制留作参考,已说明'), ('D', 'D类:留作参考')], max_length=1, verbose_name='答复类别')),
                ('reply_text', models.TextField(blank=True, verbose_name='答复内容')),
                ('reply_signed_by', models.CharField(blank=True, max_length=50, verbose_name='签发人')),
                ('replied_at', models.DateTimeField(blank=True, null=True, verbose_name='答复时间')),
                ('attachments', models.ManyToManyField(blank=True, related_name='+', to='moderation.upload', verbose_name='附件')),
                ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='领衔代表账号')),
                ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='录入人')),
                ('reply_attachments', models.ManyToManyField(blank=True, related_name='+', to='moderation.upload', verbose_name='答复附件')),
                ('site', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='wagtailcore.site', verbose_name='所属站点')),
            ],
            options={
                'verbose_name': '议案建议',
                'verbose_name_plural': '议案建议',
                'ordering': ['-created_at', '-pk'],
                'permissions': [('handle_suggestion', '办理交办的议案建议')],
            },
            bases=(cms.services.sensitive.PublicTextMixin, models.Model),
        ),
        migrations.CreateModel(
            name='Assignment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('lead', '主办'), ('co', '协办')], max_length=8, verbose_name='承办方式')),
                ('due_on', models.DateField(verbose_name='内部期限')),
                ('assigned_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='交办时间')),
                ('returned_at', models.DateTimeField(blank=True, null=True, verbose_name='退回时间')),
                ('return_reason', models.CharField(blank=True, max_length=500, verbose_name='退回理由')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.handlingunit', verbose_name='承办单位')),
                ('suggestion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='suggestions.suggestion', verbose_name='议案建议')),
            ],
            options={
                'verbose_name': '交办',
                'verbose_name_plural': '交办',
                'ordering': ['role', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Transition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='时间')),
                ('actor_name', models.CharField(blank=True, max_length=100, verbose_name='操作人')),
                ('from_state', models.CharField(blank=True, choices=[('draft', '草稿'), ('submitted', '已提交'), ('accepted', '已立案'), ('returned', '已退回'), ('assigned', '办理中'), ('replied', '已答复'), ('rehandling', '重新办理'), ('rated', '已评价'), ('closed', '已办结'), ('withdrawn', '已撤回')], max_length=16, verbose_name='原状态')),
                ('to_state', models.CharField(choices=[('draft', '草稿'), ('submitted', '已提交'), ('accepted', '已立案'), ('returned', '已退回'), ('assigned', '办理中'), ('replied', '已答复'), ('rehandling', '重新办理'), ('rated', '已评价'), ('closed', '已办结'), ('withdrawn', '已撤回')], max_length=16, verbose_name='新状态')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                ('suggestion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='history', to='suggestions.suggestion', verbose_name='议案建议')),
            ],
            options={
                'verbose_name': '办理记录',
                'verbose_name_plural': '办理记录',
                'ordering': ['at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Rating',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('deputy_name', models.CharField(blank=True, max_length=50, verbose_name='评价代表')),
                ('round', models.PositiveSmallIntegerField(verbose_name='答复轮次')),
                ('result', models.CharField(choices=[('satisfied', '满意'), ('basically', '基本满意'), ('unsatisfied', '不满意')], max_length=16, verbose_name='评价')),
                ('comment', models.TextField(blank=True, max_length=2000, verbose_name='意见')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='评价时间')),
                ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='评价代表账号')),
                ('suggestion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ratings', to='suggestions.suggestion', verbose_name='议案建议')),
            ],
            options={
                'verbose_name': '代表评价',
                'verbose_name_plural': '代表评价',
                'ordering': ['round', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('suggestion', 'user', 'round'), name='suggestions_one_rating_per_round')],
            },
        ),
        migrations.CreateModel(
            name='CoSigner',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('deputy_ref', models.CharField(max_length=32, verbose_name='代表编号')),
                ('name', models.CharField(max_length=50, verbose_name='姓名')),
                ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='确认时间')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='确认账号')),
                ('suggestion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cosigners', to='suggestions.suggestion', verbose_name='议案建议')),
            ],
            options={
                'verbose_name': '附议代表',
                'verbose_name_plural': '附议代表',
                'ordering': ['pk'],
                'constraints': [models.UniqueConstraint(fields=('suggestion', 'deputy_ref'), name='suggestions_one_cosigner')],
            },
        ),
    ]

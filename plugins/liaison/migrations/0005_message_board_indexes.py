# The office's board: newest first (a page of 50 out of 100,000 without sorting the table),
# and the queues 未答复 / 逾期未答复 by due date from an index of the open messages only.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('liaison', '0004_group_chats'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='message',
            index=models.Index(fields=['-received_at', '-id'], name='liaison_msg_received'),
        ),
        migrations.AddIndex(
            model_name='message',
            index=models.Index(condition=models.Q(('state__in', ['screened', 'delivered', 'forwarded', 'reopened'])), fields=['due_on', 'received_at', 'id'], name='liaison_msg_open_due'),
        ),
    ]

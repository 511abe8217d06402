from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('negotiation', '0003_player_briefed'),
    ]

    operations = [
        migrations.AddField(
            model_name='player',
            name='quiz',
            field=models.JSONField(blank=True, default=dict),
        ),
    ]

"""Unsubscribe tokens are no longer stored: the links already e-mailed keep working through the
keyed hash of their token, and links made from now on are signed (docs/decisions/006)."""

from django.db import migrations, models

from klearmind.encryption.keys import keyed_hash

# As klearmind.comments.models.UNSUBSCRIBE_HASH_PURPOSE, fixed here as it was when this ran.
PURPOSE = "comment-unsubscribe"


def hash_tokens(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    comments = list(Comment.objects.only("pk", "unsubscribe_token"))
    for comment in comments:
        comment.unsubscribe_hash = keyed_hash(comment.unsubscribe_token, purpose=PURPOSE)
    Comment.objects.bulk_update(comments, ["unsubscribe_hash"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_crisis_resources"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="unsubscribe_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, null=True, unique=True
            ),
        ),
        # Not reversible: a hash cannot be turned back into the token it was made from.
        migrations.RunPython(hash_tokens),
        migrations.RemoveField(model_name="comment", name="unsubscribe_token"),
    ]

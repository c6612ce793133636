"""A questionnaire's and a comment's status histories read the same, from the first step."""


def test_every_status_history_reads_from_its_first_step():
    from klearmind.comments.models import CommentStatusChange
    from klearmind.intake.models import StatusChange

    assert str(CommentStatusChange(from_status="", to_status="approved")) == "new → approved"
    assert str(StatusChange(from_status="", to_status="new")) == "submitted → new"
    assert str(StatusChange(from_status="new", to_status="accepted")) == "new → accepted"

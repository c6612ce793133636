from klearmind.clinic.exports import csv_download, text_cell


def test_a_cell_that_would_run_as_a_formula_is_kept_as_text():
    for typed in ["=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\tx", "\rx"]:
        assert text_cell(typed) == "'" + typed
    assert text_cell("Midtown") == "Midtown"
    assert text_cell(None) == ""
    assert text_cell(42) == "42"


def test_a_download_is_an_attachment_with_its_header_then_its_rows():
    response = csv_download("people.csv", [["Ana", "a@example.com"]], header=["Name", "E-mail"])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="people.csv"'
    assert response.content.decode() == "Name,E-mail\r\nAna,a@example.com\r\n"


def test_a_download_without_a_header_starts_with_its_rows():
    assert csv_download("x.csv", [["1"]]).content.decode() == "1\r\n"

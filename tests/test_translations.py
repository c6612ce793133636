"""Every Spanish message file is complete, and its compiled copy (which the site reads, and which
the repository keeps for machines without GNU gettext) says the same as the file itself."""

import ast
import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PO_FILES = sorted((ROOT / "klearmind").glob("**/locale/es/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def entries(po: Path) -> list[dict]:
    """The file's messages: msgctxt, msgid, msgid_plural, msgstr forms and flags."""
    found, current, field = [], None, None
    for line in po.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current and "msgid" in current:
                found.append(current)
            current, field = None, None
            continue
        current = current or {"flags": "", "msgstr": {}}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, int):
                current["msgstr"][field] += value
            else:
                current[field] += value
        else:
            keyword, _, rest = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                field = int(match.group(1))
                current["msgstr"][field] = ast.literal_eval(rest)
            elif keyword == "msgstr":
                field = 0
                current["msgstr"][0] = ast.literal_eval(rest)
            else:
                field = keyword
                current[keyword] = ast.literal_eval(rest)
    return [entry for entry in found if entry["msgid"]]


def name(po: Path) -> str:
    return str(po.relative_to(ROOT))


def test_there_are_spanish_messages_for_the_chrome_and_the_patients_screens():
    apps = {po.relative_to(ROOT / "klearmind").parts[0] for po in PO_FILES}
    assert {"locale", "booking", "intake", "pages"} <= apps


@pytest.mark.parametrize("po", PO_FILES, ids=name)
def test_every_message_is_translated_and_none_is_fuzzy(po):
    for entry in entries(po):
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        assert all(entry["msgstr"].values()), f"{name(po)}: no Spanish for {entry['msgid']!r}"
        expected = set(PLACEHOLDER.findall(entry["msgid"] + entry.get("msgid_plural", "")))
        for form in entry["msgstr"].values():
            found = set(PLACEHOLDER.findall(form))
            # A plural form may leave the count out ("un día" for one day).
            assert found == expected or ("msgid_plural" in entry and found <= expected), (
                f"{name(po)}: the placeholders of {entry['msgid']!r} differ in {form!r}"
            )


@pytest.mark.parametrize("po", PO_FILES, ids=name)
def test_the_header_is_not_fuzzy(po):
    header = po.read_text(encoding="utf-8").split("\n\n")[0]
    assert "fuzzy" not in header, f"{name(po)}: gettext ignores a file whose header is fuzzy"


@pytest.mark.parametrize("po", PO_FILES, ids=name)
def test_the_compiled_file_says_what_the_message_file_says(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{name(po)} is not compiled: run compilemessages"
    with mo.open("rb") as file:
        catalog = gettext.GNUTranslations(file)._catalog
    for entry in entries(po):
        key = (
            entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
        )
        if "msgid_plural" in entry:
            for index, form in entry["msgstr"].items():
                assert catalog.get((key, index)) == form, f"{name(po)}: recompile for {key!r}"
        else:
            assert catalog.get(key) == entry["msgstr"][0], f"{name(po)}: recompile for {key!r}"

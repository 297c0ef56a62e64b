"""Property: a bid attachment of any content under any name is either attached (a PDF, DOCX or
XLSX recognised by its bytes, stored once by its SHA-256, under a name with no folder in it
that the database can hold) or refused with ``DomainError`` whose every problem is about the
file field; a refused one is stored nowhere, neither on disk nor in the database."""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from commissioning.rounds.attachments import MAX_BYTES, add_attachment, sniff_kind, storage_path
from commissioning.rounds.models import Bid
from core.problems import DomainError
from core.uploads import MIB
from exports.spreadsheets import write_xlsx
from extensions import db
from tests.core.test_uploads import zip_bomb
from tests.hostile.test_hostile_properties import counts


@cache
def documents() -> tuple[bytes, ...]:
    """Real files of each kind, and archives that only look like them (built once)."""
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    no_types = io.BytesIO()
    with zipfile.ZipFile(no_types, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n",
        docx.getvalue(),
        write_xlsx({"Plan": [["a", "b"], [1, 2]]}),
        no_types.getvalue(),
        zip_bomb("word/document.xml", inflated=2 * MIB),
        b"MZ\x90\x00\x03" + b"\x00" * 60,  # a Windows program
        b"<html><script>alert(1)</script></html>",
    )


@st.composite
def contents(draw: st.DrawFn) -> bytes:
    base = draw(st.one_of(st.sampled_from(documents()), st.binary(max_size=3000)))
    how = draw(st.sampled_from(["as is", "as is", "cut", "flip", "pdf header", "zip header"]))
    at = draw(st.integers(min_value=0, max_value=999)) * len(base) // 1000
    if how == "cut":
        return base[:at]
    if how == "flip" and base:
        return base[:at] + bytes([base[at] ^ 0xFF]) + base[at + 1 :]
    if how == "pdf header":
        return b"%PDF-" + base
    if how == "zip header":
        return b"PK\x03\x04" + base
    return base


filenames = st.one_of(
    st.none(),
    st.text(max_size=300),
    st.sampled_from(
        [
            "../../etc/passwd",
            "..\\..\\boot.ini",
            "C:\\Users\\me\\plan.docx",
            "",
            "   ",
            "plan\x00.pdf",
            "\u202efdp.exe",
            "p" * 300 + ".pdf",
            "CON",
            ".pdf",
            "plan.pdf",
            "<script>.pdf",
        ]
    ),
)


def stored_files(store: Path) -> set[Path]:
    return set(store.rglob("*")) if store.exists() else set()


@pytest.fixture
def bid(app) -> Bid:  # type: ignore[no-untyped-def]
    from tests.commissioning.builders import make_bid, make_round

    return make_bid(make_round(name="Spring round"))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=contents(), filename=filenames, max_bytes=st.sampled_from([MAX_BYTES, 2048]))
def test_any_attachment_is_attached_or_refused_cleanly(bid, tmp_path, content, filename, max_bytes):
    store = tmp_path / "instance"
    before, files = counts(), stored_files(store)
    try:
        attachment = add_attachment(
            bid.id,
            filename=filename,
            content=content,
            instance_path=str(store),
            user=None,
            max_bytes=max_bytes,
        )
    except DomainError as error:
        db.session.rollback()
        event("refused")
        assert error.problems and all(p.column == "file" for p in error.problems), error
        assert counts() == before
        assert stored_files(store) == files
        return
    event("attached")
    assert attachment.kind == sniff_kind(content) and len(content) <= max_bytes
    assert storage_path(str(store), attachment.sha256).read_bytes() == content
    name = attachment.filename
    assert name and "/" not in name and "\\" not in name, name
    assert len(name) <= 255 and name.isprintable(), name  # what the column holds, shown safely


def test_an_attachment_with_a_hostile_name_is_stored_and_downloaded_under_a_safe_one(
    bid, app, sign_in
):
    """A newline in the name made the download a 500 (a header may not hold one), a NUL or a
    name over 255 characters made PostgreSQL refuse the upload, and quotes broke the header."""
    from auth.roles import Role
    from tests.builders import make_user

    names = {
        'Plan "final";\r\nX-Evil: 1.pdf': 'Plan "final";X-Evil: 1.pdf',
        "€uro\x00 plan.pdf": "€uro plan.pdf",
        "p" * 300 + ".pdf": "p" * 251 + ".pdf",
    }
    sign_in(make_user(role=Role.HUB))

    for sent, kept in names.items():
        attachment = add_attachment(
            bid.id, filename=sent, content=b"%PDF-1.7 " + sent.encode(),
            instance_path=app.instance_path, user=None,
        )  # fmt: skip
        download = sign_in.client.get(f"/commissioning/attachments/{attachment.id}")

        assert attachment.filename == kept
        assert download.status_code == 200
        disposition = download.headers["Content-Disposition"]
        assert disposition.startswith("attachment; ") and "\n" not in disposition
        assert "X-Evil" not in download.headers


# A DOCX whose directory claims "zip file version 23.5": zipfile raised NotImplementedError
# (found by the property above).
FUTURE_ZIP = (
    b"PK\x03\x04\x14\x00\x00\x00\x00\x00pt\x82]\xddZ\x86\r\r\x00\x00\x00\r\x00\x00\x00\x11\x00"
    b"\x00\x00word/document.xml<w:document/>PK\x01\x02\x14\x03\xeb\x00\x00\x00\x00\x00pt\x82]"
    b"\xddZ\x86\r\r\x00\x00\x00\r\x00\x00\x00\x11\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    b"\x80\x01\x00\x00\x00\x00word/document.xmlPK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00?\x00"
    b"\x00\x00<\x00\x00\x00\x00\x00"
)


def test_an_archive_of_a_zip_version_python_cannot_read_is_refused(bid, tmp_path):
    before = counts()

    with pytest.raises(DomainError) as refused:
        add_attachment(
            bid.id,
            filename="plan.docx",
            content=FUTURE_ZIP,
            instance_path=str(tmp_path / "instance"),
            user=None,
            max_bytes=MAX_BYTES,
        )

    db.session.rollback()
    assert all(p.column == "file" for p in refused.value.problems)
    assert counts() == before


def test_a_workbook_of_a_zip_version_python_cannot_read_is_refused():
    from core.uploads import check_archive

    with pytest.raises(DomainError, match="not a readable XLSX workbook"):
        check_archive(FUTURE_ZIP, "return.xlsx")

"""Bid attachments: PDF, DOCX or XLSX only, recognised by their content (not their name), under
a size limit, stored once under the instance folder by their SHA-256 and served only through the
bid's permission and conflict checks (the file store has no URL of its own).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from auth.models import User
from commissioning.rounds.models import Bid, BidAttachment
from core.problems import DomainError, Problem, Problems
from core.uploads import UploadLimits, check_attachment
from core.xlsx_scan import ZIP_ERRORS
from extensions import db

MAX_BYTES = 10 * 1024 * 1024
MAX_NAME = 255  # the filename column's width
MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def sniff_kind(content: bytes) -> str | None:
    """``pdf``, ``docx`` or ``xlsx`` from the bytes themselves; ``None`` for anything else.

    >>> sniff_kind(b"%PDF-1.7 ..."), sniff_kind(b"MZ not a document")
    ('pdf', None)
    """
    if content.startswith(b"%PDF-"):
        return "pdf"
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except ZIP_ERRORS:
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def display_name(filename: str | None) -> str:
    """The name an attachment is shown and downloaded under: the file's own name without its
    folders, without characters that cannot be shown or sent in a header (control and format
    characters, NUL, a right-to-left override), cut to the column's 255 characters with its
    extension kept.

    >>> display_name("C:\\\\Users\\\\me\\\\plan\\x00.pdf"), display_name("\\u202efdp.exe")
    ('plan.pdf', 'fdp.exe')
    """
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > MAX_NAME:
        _stem, dot, suffix = name.rpartition(".")
        keep = f"{dot}{suffix}" if dot and len(suffix) <= 10 else ""
        name = name[: MAX_NAME - len(keep)] + keep
    return name


def storage_path(instance_path: str, sha256: str) -> Path:
    return Path(instance_path) / "attachments" / sha256[:2] / sha256


def add_attachment(
    bid_id: int,
    *,
    filename: str | None,
    content: bytes,
    instance_path: str,
    user: User | None,
    max_bytes: int = MAX_BYTES,
) -> BidAttachment:
    bid = db.session.get(Bid, bid_id)
    if bid is None:
        raise DomainError("No such bid")
    problems = Problems()
    name = display_name(filename)
    if not content:
        problems.add("choose a file to attach", column="file")
    elif len(content) > max_bytes:
        problems.add(
            f"the file is {len(content) / 1024 / 1024:.1f} MB; the limit is "
            f"{max_bytes // 1024 // 1024} MB",
            column="file",
        )
    if content and not problems:
        try:
            check_attachment(content, name or "the file", UploadLimits(max_bytes=max_bytes))
        except DomainError as error:
            problems.extend(Problem(p.message, column="file") for p in error.problems)
    kind = sniff_kind(content) if content and not problems else None
    if content and kind is None and not problems:
        problems.add("the file must be a PDF, Word (DOCX) or Excel (XLSX) document", column="file")
    if problems or kind is None:
        raise DomainError("The file was not attached", problems)
    digest = hashlib.sha256(content).hexdigest()
    path = storage_path(instance_path, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        temporary.write_bytes(content)
        temporary.replace(path)
    attachment = BidAttachment(
        filename=name or f"attachment.{kind}",
        kind=kind,
        size=len(content),
        sha256=digest,
        uploaded_by_id=user.id if user else None,
    )
    bid.attachments.append(attachment)
    db.session.commit()
    return attachment


def read_attachment(attachment: BidAttachment, instance_path: str) -> bytes:
    return storage_path(instance_path, attachment.sha256).read_bytes()

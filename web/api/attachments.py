"""Scanned documents: ``POST /api/attachments`` stores a PDF or image by its content and
answers the ``Attachment`` (hash, media type, size) a step's document then names in its
JSON body (``"attachment": {...}``), so every step keeps its one JSON model.

The bytes go to the register's attachment store (``workers.storage.attachments``);
the hash goes into the event only when a step naming it is recorded, so ``audit
verify`` catches a file swapped later. A file stored for a step that is then
refused stays unnamed by any event: harmless, as the store is keyed by content.
"""

from __future__ import annotations

import structlog
from fastapi import APIRouter, Request, status
from fastapi.concurrency import run_in_threadpool

from domain.values import Attachment
from web import services as actions
from web.api.deps import Services, Signed
from web.problems import PROBLEM_RESPONSES
from workers.storage.attachments import AttachmentRefused

router = APIRouter(prefix="/api", tags=["attachments"], responses=PROBLEM_RESPONSES)
log = structlog.get_logger(__name__)

SCANS = {"application/pdf", "image/png", "image/jpeg", "image/tiff"}
BODY = {"requestBody": {"required": True, "content": {
    kind: {"schema": {"type": "string", "format": "binary"}} for kind in sorted(SCANS)}}}


@router.post("/attachments", status_code=status.HTTP_201_CREATED, response_model=Attachment,
             openapi_extra=BODY)
async def upload(request: Request, services: Services, principal: Signed) -> Attachment:
    """Store a scan (the request's body: a PDF, PNG, JPEG or TIFF, as its first bytes say)."""
    await run_in_threadpool(actions.permit, services, principal, "attach_document",
                            refusals=actions.ATTACHMENTS_LOG,
                            payload=request.headers.get("content-type", ""))
    store = services.system.attachments
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > store.max_bytes:
        # Refused before the body is read: a client may not make the app hold any size.
        raise AttachmentRefused(f"the file holds {int(declared):,} bytes; at most "
                                f"{store.max_bytes:,} are kept", field="body")
    data = await request.body()
    attachment = await run_in_threadpool(services.system.attachments.put_bytes, data,
                                         field="body")
    log.info("attachment_stored", username=principal.username, sha256=attachment.sha256,
             size=attachment.size, media_type=attachment.media_type)
    return attachment

"""Safe retries for the partner API's writes, two ways a client may choose (or use both):

- `Idempotency-Key: <anything unique>`: the first request with a key is done and its answer remembered
  (IdempotentRequest, per organisation, written in the same transaction as the change, so a remembered
  answer always means the change happened); the same key with the same request again gets the same
  answer without doing anything (`Idempotent-Replayed: true`); the same key with a different request is
  a 422 and changes nothing. Only successful answers are remembered: a refused request changed nothing,
  so its key may be used again. Two requests racing with one key: the second waits on the unique
  index for the first to commit, then replays its answer.
- `If-Match: "<version>"` (the referral's `version`, also sent as its ETag): the write is done only if
  the referral is still at that version, checked under the row lock; otherwise 412 and nothing changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .models import IdempotentRequest, Referral, SupportOrganisation

KEY_HEADER = "HTTP_IDEMPOTENCY_KEY"
KEY_MAX = 200


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The referral has changed since you read it. Read it again, then retry."
    default_code = "precondition_failed"


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = (
        "This Idempotency-Key was already used for a different request. Nothing was changed. "
        "Use a new key for a new request."
    )
    default_code = "idempotency_key_reused"


def fingerprint(request) -> str:
    """Method, path and body (as parsed, keys sorted: the same JSON however it is spaced)."""
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()


def _key(request) -> str | None:
    raw = request.META.get(KEY_HEADER)
    if raw is None:
        return None
    if not (1 <= len(raw) <= KEY_MAX) or not all(33 <= ord(c) <= 126 for c in raw):
        raise exceptions.ValidationError(
            {"idempotency_key": [f"Use 1 to {KEY_MAX} visible characters (letters, digits, - and _)."]}
        )
    return raw


def _replay(prior: IdempotentRequest, fp: str) -> Response:
    if prior.fingerprint != fp:
        raise KeyReused
    headers = {"Idempotent-Replayed": "true"}
    # The first answer's ETag, from the version it carried (a move's, or the referral's of a created row).
    body = prior.response if isinstance(prior.response, dict) else {}
    version = body.get("version", (body.get("referral") or {}).get("version"))
    if isinstance(version, int):
        headers.update(etag(version))
    return Response(prior.response, status=prior.status, headers=headers)


def idempotent(request, organisation: SupportOrganisation, do: Callable[[], Response]) -> Response:
    """Run the write `do` once per Idempotency-Key (when one is sent)."""
    key = _key(request)
    if key is None:
        return do()
    fp = fingerprint(request)
    prior = IdempotentRequest.objects.filter(organisation=organisation, key=key).first()
    if prior is not None:
        return _replay(prior, fp)
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = IdempotentRequest.objects.create(
                    organisation=organisation,
                    key=key,
                    fingerprint=fp,
                    status=0,
                    response={},
                    created_at=timezone.now(),
                )
        except IntegrityError:
            row = None
        if row is not None:
            response = do()  # an error rolls back the change and the key together
            row.status, row.response = response.status_code, json.loads(JSONRenderer().render(response.data))
            row.save(update_fields=["status", "response"])
            return response
    # A twin request with this key committed first.
    return _replay(IdempotentRequest.objects.get(organisation=organisation, key=key), fp)


def expected_version(request) -> int | None:
    """The version in If-Match ("3", W/"3" or 3); None when absent or '*'. An unreadable one never
    matches (RFC 9110: a tag that is not the current one fails the precondition)."""
    raw = (request.META.get("HTTP_IF_MATCH") or "").strip()
    if not raw or raw == "*":
        return None
    tag = raw.removeprefix("W/").strip().strip('"')
    return int(tag) if tag.isascii() and tag.isdigit() and len(tag) < 10 else -1


def require_version(request, referral: Referral) -> None:
    """Call inside the write's transaction: locks the referral and checks If-Match against it."""
    want = expected_version(request)
    if want is None:
        return
    current = Referral.objects.select_for_update().filter(pk=referral.pk).values_list("version", flat=True)
    now = current.first()
    if want < 0:
        raise PreconditionFailed(
            f'If-Match must be the referral\'s version as its ETag gives it, e.g. "{now}". '
            "Nothing was changed."
        )
    if now != want:
        raise PreconditionFailed(
            f"The referral has changed since you read it: it is at version {now}, not {want}. "
            "Read it again, then retry. Nothing was changed."
        )


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}

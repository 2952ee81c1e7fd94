"""GOV.UK Notify delivery receipts: POST /api/notify/delivery-status with the bearer token configured in
Notify (NOTIFY_CALLBACK_TOKEN). Unauthenticated or malformed requests change nothing."""

import hmac
import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from messaging.notify import status_from_callback
from messaging.outbox import delivery_receipt

MAX_BODY = 64 * 1024


@csrf_exempt  # authenticated by Notify's bearer token, not a browser session
@require_POST
def notify_delivery_status(request: HttpRequest) -> JsonResponse:
    expected = settings.NOTIFY_CALLBACK_TOKEN
    given = request.headers.get("Authorization", "")
    if not expected or not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        return JsonResponse({"error": "Not authorised."}, status=401)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"error": "Too large."}, status=413)
    try:
        reference, provider_ref, status = status_from_callback(json.loads(request.body))
    except (ValueError, json.JSONDecodeError) as e:
        return JsonResponse({"error": f"Not a delivery receipt: {e}"}, status=400)
    if status == "sending":
        return JsonResponse({"ok": True})
    found = delivery_receipt(reference=reference, provider_ref=provider_ref, status=status)
    # 200 either way for an unknown reference: Notify must not retry a receipt we can never match.
    return JsonResponse({"ok": True, "matched": found})

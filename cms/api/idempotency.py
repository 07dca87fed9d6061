"""``Idempotency-Key``: a retried POST returns the first answer instead of writing twice.

Mobile networks drop answers; a mini-program that retries a POST with the
same ``Idempotency-Key`` header (any string of 8–100 characters, e.g. a UUID
made once per submission) gets the first answer again, with
``Idempotent-Replayed: true``, and nothing is created twice. The same key
with a different body is a ``422`` problem (``idempotency-key-reused``);
a retry that arrives while the first request is still being answered waits
for it in the database and replays its answer (``409``
``idempotency-in-progress`` remains in the contract for a record an older
release left unfinished). Keys are per account (or per
client address when anonymous) and forgotten after
``LIANXI_IDEMPOTENCY_KEEP_HOURS`` (24).

Write views use it through :class:`IdempotentMixin`: the core's
``/api/v1/feedback/`` and the plugins' ``SiteScopedModelViewSet`` include it, a
plugin's own write view mixes it in (``cms.plugins.api.IdempotentMixin``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.response import Response

from cms.services.clients import client_ip
from cms.services.tasks import task

from .caching import api_write_transaction
from .conventions import ApiProblem

HEADER = "HTTP_IDEMPOTENCY_KEY"
REPLAYED_HEADERS = ("Location", "Content-Type")


#: A record still "in progress" after this long was abandoned (only an older release,
#: which committed the record before the write, can leave one): it is forgotten.
ABANDONED_AFTER = dt.timedelta(seconds=60)


class _Replay(Exception):
    def __init__(self, response):
        self.response = response


def _scope(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    return f"a{client_ip(request)}"[:80]


def _request_hash(request) -> str:
    try:
        body = json.dumps(request.data, sort_keys=True, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        body = repr(request.data)
    return hashlib.sha256(f"{request.method} {request.get_full_path()} {body}".encode()).hexdigest()


def _claim(scope: str, key: str, digest: str) -> int | None:
    """Insert the key's record, "in progress": its id, or ``None`` when the key is taken.

    One statement (``INSERT … ON CONFLICT DO NOTHING RETURNING``, PostgreSQL and
    SQLite ≥ 3.35), no savepoint: a write API's busiest path. A concurrent request
    with the same key waits in the database for the first one's transaction; when
    that commits, this insert does nothing and the caller replays the answer."""
    from cms.apiaccess.models import IdempotencyRecord

    meta, quote = IdempotencyRecord._meta, connection.ops.quote_name
    values = {
        "scope": scope, "key": key, "request_hash": digest, "status": 0, "headers": {},
        "created_at": timezone.now(),
    }  # fmt: skip
    params = [meta.get_field(name).get_db_prep_save(v, connection) for name, v in values.items()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(n) for n in values)}) "
            f"VALUES ({', '.join(['%s'] * len(values))}) "
            f"ON CONFLICT ({quote('scope')}, {quote('key')}) DO NOTHING RETURNING {quote('id')}",
            params,
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _keep_answer(record_id: int, status: int, body, headers: dict) -> None:
    """Store the first answer in the key's record (one ``UPDATE``, no model round trip)."""
    from cms.apiaccess.models import IdempotencyRecord

    meta, quote = IdempotencyRecord._meta, connection.ops.quote_name
    values = {"status": status, "body": body, "headers": headers}
    params = [meta.get_field(name).get_db_prep_save(v, connection) for name, v in values.items()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET "
            + ", ".join(f"{quote(name)} = %s" for name in values)
            + f" WHERE {quote('id')} = %s",
            [*params, record_id],
        )


class IdempotentMixin:
    """For DRF views: honour ``Idempotency-Key`` on POST (wraps the view's handler).

    A POST with a key runs in one transaction with its key's record: the record is
    inserted first (a concurrent retry with the same key waits on it in the
    database, then replays the answer), the handler writes, the answer is stored in
    the record, and one commit keeps both. An error answer or a killed worker rolls
    both back, so the key may be used again and nothing half-done stays behind.
    """

    _idempotency = None  # the id of the key's record this request is answering

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and request.META.get(HEADER, "").strip():
            with api_write_transaction():
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authenticated, permitted, throttled
        key = request.META.get(HEADER, "").strip()
        if request.method != "POST" or not key:
            return
        if not 8 <= len(key) <= 100:
            raise ApiProblem(400, "invalid-idempotency-key", "Idempotency-Key 无效",
                             "Idempotency-Key 应为 8–100 个字符(如一个 UUID)。")  # fmt: skip
        from cms.apiaccess.models import IdempotencyRecord

        scope, digest = _scope(request), _request_hash(request)
        claimed = _claim(scope, key, digest)
        if claimed is None:
            record = IdempotencyRecord.objects.get(scope=scope, key=key)
            if record.request_hash != digest:
                raise ApiProblem(422, "idempotency-key-reused", "Idempotency-Key 已用于另一个请求",
                                 "同一个 Idempotency-Key 只能用于同一个请求;新的提交请换一个。")  # fmt: skip
            if not record.status:
                if record.created_at < timezone.now() - ABANDONED_AFTER:
                    record.delete()  # left by an older release that committed it early
                raise ApiProblem(409, "idempotency-in-progress", "请求正在处理",
                                 "相同的请求正在处理,请稍后重试。")  # fmt: skip
            response = Response(record.body, status=record.status)
            for name, value in record.headers.items():
                if name != "Content-Type":
                    response[name] = value
            response["Idempotent-Replayed"] = "true"
            raise _Replay(response)
        self._idempotency = claimed

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        if self._idempotency is not None:
            # The request failed: roll back its writes and its key (it may be used again).
            transaction.set_rollback(True)
            self._idempotency = None
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        record, self._idempotency = self._idempotency, None
        if record is not None and isinstance(response, Response):
            if response.status_code < 500:
                _keep_answer(record, response.status_code, response.data, {
                    h: response[h] for h in REPLAYED_HEADERS if response.has_header(h)
                })  # fmt: skip
            else:  # a server error answered without an exception: not kept either
                transaction.set_rollback(True)
        return super().finalize_response(request, response, *args, **kwargs)


@task()
def forget_idempotency_keys() -> int:
    """The sweep: keys older than ``LIANXI_IDEMPOTENCY_KEEP_HOURS`` are forgotten."""
    from cms.apiaccess.models import IdempotencyRecord

    hours = int(getattr(settings, "LIANXI_IDEMPOTENCY_KEEP_HOURS", 24))
    deleted, _ = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - dt.timedelta(hours=hours)
    ).delete()
    return deleted

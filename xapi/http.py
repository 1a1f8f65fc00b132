"""The HTTP edge of the LRS: version negotiation, authentication, the alternate request syntax,
multipart parsing and error mapping, shared by every view (xAPI 1.0.3 §6, §7)."""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import parse_qs

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from xapi.errors import BadRequest, Forbidden, LengthRequired, PayloadTooLarge, Unauthorized, XapiError
from xapi.models import Credential
from xapi.services import consistency
from xapi.services.credentials import authenticate_basic
from xapi.validation import VERSION_1, VERSION_2, StatementInvalid, exact, format_stored

SUPPORTED_VERSIONS = ("1.0.3", "2.0.0")
# xAPI 1.0.3 §6.4.1 Alternate Request Syntax: form fields that are really headers.
_ALT_HEADERS = (
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
)
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "HEAD, GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Content-Length, Authorization, If-Match, If-None-Match, "
    "X-Experience-API-Version, Accept-Language",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Cache-Control, Content-Type, Content-Length, "
    "X-Experience-API-Version, X-Experience-API-Consistent-Through",
    # Browsers may reuse a preflight answer for a day instead of asking before every request.
    "Access-Control-Max-Age": "86400",
}
logger = logging.getLogger(__name__)


@dataclass
class XapiRequest:
    """A request after the alternate syntax is unfolded: what every view works on."""

    method: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes
    version: str = VERSION_2
    credential: Credential | None = None
    head: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def default_version() -> str:
    """The version announced when the client named none (xAPI 1.0.3 §6.2: "the latest version")."""
    return getattr(settings, "XAPI_DEFAULT_VERSION", VERSION_2)


def negotiate_version(value: str | None) -> str:
    """xAPI 1.0.3 §6.2 / 2.0 §4.1.2: 1.0.x is served as 1.0.3, 2.0.x as 2.0.0; others are refused."""
    if value is None:
        raise BadRequest("the X-Experience-API-Version header is required")
    value = value.strip()
    parts = value.split(".")
    if len(parts) in (2, 3) and all(part.isdigit() for part in parts):
        if parts[:2] == ["1", "0"]:
            return VERSION_1
        if parts[:2] == ["2", "0"]:
            return VERSION_2
    raise BadRequest(f"X-Experience-API-Version {value!r} is not supported; use one of {', '.join(SUPPORTED_VERSIONS)}")


def _read_body(request: HttpRequest) -> bytes:
    """The body, also when sent with Transfer-Encoding: chunked (no Content-Length).

    Django reads Content-Length bytes only. A server that de-chunks the body says so with
    `wsgi.input_terminated` (gunicorn does); then the stream is read to its end, bounded as any
    body. Under a server that does not, the length cannot be known: 411 Length Required.
    """
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if not chunked or request.META.get("CONTENT_LENGTH"):
        try:
            return request.body
        except RequestDataTooBig as exc:
            raise PayloadTooLarge("the request body is too large") from exc
    if not request.META.get("wsgi.input_terminated"):
        raise LengthRequired("send the body with a Content-Length header")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = request.META["wsgi.input"].read() if limit is None else request.META["wsgi.input"].read(limit + 1)
    if limit is not None and len(body) > limit:
        raise PayloadTooLarge("the request body is too large")
    return body


def _check_texts(values: dict[str, str], kind: str) -> None:
    # U+0000 cannot be stored (PostgreSQL text) and a lone surrogate is no character: a 400
    # naming the parameter, whichever resource it is sent to.
    for name, value in values.items():
        for text in (name, value):
            if "\x00" in text:
                raise BadRequest(f"{kind} {name!r}: must not contain the character U+0000")
            if exact.has_surrogate(text):
                raise BadRequest(f"{kind} {name!r}: {exact.SURROGATE}")


def _build(request: HttpRequest) -> XapiRequest:
    body = _read_body(request)
    headers = {key.lower(): value for key, value in request.headers.items()}
    params = {key: request.GET[key] for key in request.GET}
    _check_texts(params, "parameter")
    if "method" not in params:
        return XapiRequest(method=request.method, params=params, headers=headers, body=body)
    # xAPI 1.0.3 §6.4.1: POST with ?method=X and the rest as form fields.
    if request.method != "POST":
        raise BadRequest("the alternate request syntax must be sent as POST")
    if set(params) != {"method"}:
        raise BadRequest("the alternate request syntax allows only the method query parameter")
    method = params["method"].upper()
    if method not in ("GET", "PUT", "POST", "DELETE", "HEAD"):
        raise BadRequest(f"method {params['method']!r} is not allowed")
    if headers.get("content-type", "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        raise BadRequest("the alternate request syntax needs an application/x-www-form-urlencoded body")
    try:
        form = parse_qs(body.decode(), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError as exc:
        raise BadRequest("the form body is not UTF-8") from exc
    # Real headers still count (Authorization, the version); form fields override them.
    alt_headers = {key: value for key, value in headers.items() if key not in ("content-type", "content-length")}
    alt_params: dict[str, str] = {}
    content = b""
    for name, values in form.items():
        if name.lower() in _ALT_HEADERS:
            alt_headers[name.lower()] = values[-1]
        elif name == "content":
            content = values[-1].encode()
        else:
            alt_params[name] = values[-1]
    _check_texts(alt_params, "parameter")
    _check_texts(alt_headers, "header")
    if method in ("PUT", "POST") and not content:
        raise BadRequest("the alternate request syntax needs a content form field for PUT and POST")
    alt_headers.setdefault("content-type", "application/json" if content else "")
    return XapiRequest(method=method, params=alt_params, headers=alt_headers, body=content, extra={"alternate": True})


DATABASE_RETRY_AFTER = 10  # seconds: a restarting PostgreSQL is usually back within that


def error_response(status: int, message: str) -> HttpResponse:
    return JsonResponse({"error": True, "message": message}, status=status)


def _finish(response: HttpResponse, version: str, head: bool) -> HttpResponse:
    response["X-Experience-API-Version"] = version
    for name, value in _CORS.items():
        response[name] = value
    if head:
        length = len(response.content)
        response.content = b""
        response["Content-Length"] = str(length)
    return response


def xapi_endpoint(
    *, methods: tuple[str, ...], scopes: dict[str, tuple[str, ...]], auth: bool = True, consistent_through: bool = False
) -> Callable:
    """Negotiate the version, authenticate, check scopes, and map XapiError/StatementInvalid to statuses.

    Unknown exceptions are not caught: Django's 500 handler logs them.
    """

    def decorate(view: Callable[[XapiRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            version = default_version()
            head = False
            consistent = consistent_through
            if request.method == "OPTIONS":
                return _finish(HttpResponse(status=200), version, False)
            try:
                xreq = _build(request)
                head = xreq.method == "HEAD"
                if head:
                    xreq.method, xreq.head = "GET", True
                if auth or "x-experience-api-version" in xreq.headers:
                    version = xreq.version = negotiate_version(xreq.header("x-experience-api-version"))
                if xreq.extra.get("alternate") and version != VERSION_1:
                    # xAPI 2.0 §4.1.7: the alternate request syntax was removed.
                    raise BadRequest("the alternate request syntax is not supported in xAPI 2.0")
                if xreq.method not in methods:
                    return _finish(error_response(405, f"{xreq.method} is not allowed here"), version, head)
                if auth:
                    credential = authenticate_basic(xreq.header("authorization"))
                    if credential is None:
                        response = _finish(
                            error_response(401, "valid HTTP Basic credentials are required"), version, head
                        )
                        response["WWW-Authenticate"] = 'Basic realm="xAPI"'
                        return response
                    wanted = scopes.get(xreq.method, ())
                    if wanted and not credential.has_scope(*wanted):
                        raise Forbidden(
                            f"this credential lacks the scope for {xreq.method} (one of {', '.join(wanted)})"
                        )
                    xreq.credential = credential
                response = view(xreq, *args, **kwargs)
            except StatementInvalid as exc:
                response = error_response(400, str(exc))
            except Unauthorized as exc:
                response = error_response(401, str(exc))
            except XapiError as exc:
                response = error_response(exc.status, str(exc))
            except RecursionError:
                # JSON nested deeper than can be parsed or walked (e.g. 1,000 levels).
                response = error_response(400, "the JSON is nested too deeply")
            except (OperationalError, InterfaceError):
                # The database is restarting or unreachable: nothing was acknowledged, so the
                # client may resend (RFC 9110 §15.6.4: 503 with Retry-After), with CORS headers.
                logger.warning("xAPI database unavailable: %s %s", request.method, request.path, exc_info=True)
                response = error_response(
                    503, "資料庫暫時無法使用，請稍後重試 (the LRS database is unavailable; retry later)"
                )
                response["Retry-After"] = str(DATABASE_RETRY_AFTER)
                consistent = False
            except Exception:
                # Logged like Django's own 500 handler, but answered as JSON with the CORS
                # headers so that a browser client can read the failure.
                logger.exception("xAPI request failed: %s %s", request.method, request.path)
                response = error_response(500, "the LRS failed to answer this request; the failure is logged")
                consistent = False
            if consistent and "X-Experience-API-Consistent-Through" not in response:
                # xAPI 1.0.3 §7.2.3: on every statement GET response, whatever the status.
                response["X-Experience-API-Consistent-Through"] = format_stored(consistency.recent_consistent_through())
            return _finish(response, version, head)

        return wrapper

    return decorate


def parse_json(body: bytes, name: str = "body") -> object:
    """JSON of a body; 400 when invalid or when it holds what cannot be stored exactly (xapi.validation.exact)."""
    try:
        return exact.loads(body, None if name == "statements" else name)
    except exact.Unstorable as exc:
        raise BadRequest(str(exc)) from exc
    except RecursionError as exc:
        raise BadRequest(f"{name}: the JSON is nested too deeply") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"{name}: not valid JSON ({exc})") from exc


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other path under /xapi/: 404 as JSON, with the CORS headers (xAPI 1.0.3 §7.1)."""
    if request.method == "OPTIONS":
        return _finish(HttpResponse(status=200), default_version(), False)
    return _finish(error_response(404, f"no xAPI resource at {request.path}"), default_version(), False)


def parse_multipart(body: bytes, content_type_header: str) -> list[tuple[dict[str, str], bytes]]:
    """Split a multipart/mixed body into (headers, content) parts (RFC 2046 §5.1, xAPI 1.0.3 §2.4.11)."""
    boundary = None
    for param in content_type_header.split(";")[1:]:
        name, _sep, value = param.strip().partition("=")
        if name.strip().lower() == "boundary":
            boundary = value.strip().strip('"')
    if not boundary:
        raise BadRequest("multipart/mixed needs a boundary")
    delimiter = b"--" + boundary.encode()
    chunks = body.split(delimiter)
    if len(chunks) < 3:
        raise BadRequest("multipart body has no parts")
    if not chunks[-1].startswith(b"--"):
        raise BadRequest("multipart body has no closing boundary")
    parts = []
    for chunk in chunks[1:-1]:
        chunk = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            if chunk.startswith(b"\r\n"):
                head, content = b"", chunk[2:]
            else:
                raise BadRequest("a multipart part has no header section")
        headers = {}
        for line in head.decode("latin-1").split("\r\n"):
            if line.strip():
                name, _sep, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        parts.append((headers, content))
    return parts


def hash_matches(content: bytes, sha2: str) -> bool:
    algorithm = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}.get(len(sha2))
    return algorithm is not None and algorithm(content).hexdigest() == sha2.lower()

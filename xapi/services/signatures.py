"""Signed statements: check the JWS of a signature attachment (xAPI 1.0.3 §2.6)."""

import base64
import binascii
import json

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from xapi.validation.common import comparable_duration

_HASHES = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}
# Properties the LRS adds or may change; they are not part of what was signed (xAPI 1.0.3 §2.6).
_UNSIGNED = ("attachments", "authority", "stored", "version")


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _truncate_duration(holder: dict) -> dict:
    result = holder.get("result")
    if isinstance(result, dict) and isinstance(result.get("duration"), str):
        return {**holder, "result": {**result, "duration": comparable_duration(result["duration"])}}
    return holder


def comparable_statement(statement: dict, ignore: tuple[str, ...] | set[str] = _UNSIGNED) -> dict:
    """A copy for comparison: LRS-set properties dropped, durations at 0.01 s (xAPI 2.0 §4.2.7)."""
    result = _truncate_duration({key: value for key, value in statement.items() if key not in ignore})
    if isinstance(result.get("object"), dict) and result["object"].get("objectType") == "SubStatement":
        result["object"] = _truncate_duration(result["object"])
    return result


def check_signature(statement: dict, jws: bytes) -> str | None:
    """Return an error message if the JWS does not sign this statement, else None."""
    try:
        header_b64, payload_b64, signature_b64 = jws.decode("ascii").strip().split(".")
        header = json.loads(_b64decode(header_b64))
        payload = json.loads(_b64decode(payload_b64))
        signature = _b64decode(signature_b64)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return "the signature is not a JWS compact serialization with a JSON payload"
    if not isinstance(header, dict) or header.get("alg") not in _HASHES:
        return "the JWS algorithm must be RS256, RS384 or RS512"
    if not isinstance(payload, dict):
        return "the JWS payload must be a statement"
    signed = comparable_statement(payload)
    if "id" not in payload:
        signed["id"] = statement.get("id")
    if signed != comparable_statement(statement):
        return "the JWS payload does not match the statement"
    if header.get("x5c"):
        try:
            certificate = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
            public_key = certificate.public_key()
            if not isinstance(public_key, rsa.RSAPublicKey):
                return "the x5c certificate must hold an RSA key"
            public_key.verify(
                signature,
                f"{header_b64}.{payload_b64}".encode(),
                padding.PKCS1v15(),
                _HASHES[header["alg"]](),
            )
        except (ValueError, TypeError, IndexError, InvalidSignature):
            return "the JWS signature does not verify with its x5c certificate"
    return None

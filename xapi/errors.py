"""Errors the LRS maps to HTTP status codes (xAPI 1.0.3 §7.1 Error Codes)."""


class XapiError(Exception):
    status = 400


class BadRequest(XapiError):
    status = 400


class Unauthorized(XapiError):
    status = 401


class Forbidden(XapiError):
    status = 403


class NotFound(XapiError):
    status = 404


class Conflict(XapiError):
    status = 409


class PreconditionFailed(XapiError):
    status = 412


class LengthRequired(XapiError):
    status = 411


class PayloadTooLarge(XapiError):
    status = 413

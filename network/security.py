"""Security headers on every response.

A Content-Security-Policy that allows scripts, styles, images and fonts from this site only (no inline script, no
inline style attribute, no `javascript:` URL), forbids framing (`frame-ancestors 'none'` and, for older browsers,
`X-Frame-Options: DENY`), and tells the browser not to guess content types, not to leak full URLs to other sites
and not to offer powerful features (camera, microphone, geolocation, ...). HSTS only where the site is served over
https (production: `HSTS_MAX_AGE` seconds; 0 sends no header).
"""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


def security_headers(hsts_max_age: int) -> dict[str, str]:
    """Takes the HSTS max-age in seconds (0: no HSTS); returns the headers every response carries."""
    headers = dict(SECURITY_HEADERS)
    if hsts_max_age > 0:
        headers["Strict-Transport-Security"] = f"max-age={hsts_max_age}; includeSubDomains"
    return headers


def init_app(app: Flask) -> None:
    """Takes the application; adds the security headers to every response it gives (pages, files, errors, JSON).

    A header a view has already set is kept (a view may narrow the policy further).
    """
    headers = security_headers(int(app.config.get("HSTS_MAX_AGE") or 0))

    @app.after_request
    def _add_security_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

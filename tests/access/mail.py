from . import FORBIDDEN, LOGIN, OK, REDIRECT, Access

RULES = [
    Access("mail.delivery", "GET", "/admin/mail", LOGIN, FORBIDDEN, OK),
    Access("mail.retry", "POST", "/admin/mail/retry", LOGIN, FORBIDDEN, REDIRECT),
]
RULES += [
    Access("mail.inbound", "GET", "/admin/mail/inbound", LOGIN, FORBIDDEN, OK),
    Access("mail.inbound_retry", "POST", "/admin/mail/inbound/retry", LOGIN, FORBIDDEN, REDIRECT),
]

from . import FORBIDDEN, LOGIN, OK, REDIRECT, Access

RULES = [
    Access("mail.delivery", "GET", "/admin/mail", LOGIN, FORBIDDEN, OK),
    Access("mail.retry", "POST", "/admin/mail/retry", LOGIN, FORBIDDEN, REDIRECT),
]

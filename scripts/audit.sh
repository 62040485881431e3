#!/usr/bin/env bash
# `make audit`: known vulnerabilities in the installed dependencies (pip-audit), before a release.
# Where the vulnerability database cannot be reached it says so and exits 0: this is a release step,
# not part of the test suite (which must pass without the internet).
set -u
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
SERVICE=${PIP_AUDIT_SERVICE:-pypi}

# The probe asks the database about one installed dependency (Flask, at its installed version): a machine that
# reaches only a package mirror, or none, gets no answer with vulnerability data and the audit is skipped.
if ! "$PY" - "$SERVICE" <<'PYEOF'
import json
import sys
import urllib.request
from importlib.metadata import version

service, flask = sys.argv[1], version("flask")
if service == "osv":
    url = "https://api.osv.dev/v1/query"
    request = urllib.request.Request(url, data=json.dumps(
        {"package": {"name": "flask", "ecosystem": "PyPI"}, "version": flask}).encode(),
        headers={"Content-Type": "application/json"})
    wanted = None
else:
    url = f"https://pypi.org/pypi/flask/{flask}/json"
    request = urllib.request.Request(url)
    wanted = "vulnerabilities"
try:
    with urllib.request.urlopen(request, timeout=15) as response:
        data = json.load(response)
except Exception as exc:  # any failure means: no usable answer from here
    print(f"  {url}: {exc}")
    sys.exit(1)
if wanted and wanted not in data:
    print(f"  {url}: no vulnerability data in the answer")
    sys.exit(1)
PYEOF
then
  echo "make audit: SKIPPED - the vulnerability database (service: $SERVICE) cannot be reached from this machine"
  echo "or does not know the installed versions. Run 'make audit' where it can (with internet access) before a"
  echo "release; PIP_AUDIT_SERVICE=osv uses the OSV database instead of PyPI's."
  exit 0
fi

if ! "$PY" -m pip_audit --version >/dev/null 2>&1; then
  echo "make audit: installing pip-audit (the project's [audit] extra)"
  "$PY" -m pip install -q -e '.[audit]' || { echo "make audit: FAILED - pip-audit could not be installed"; exit 2; }
fi

echo "make audit: pip-audit of the installed dependencies ($("$PY" -m pip_audit --version)), service $SERVICE"
# --skip-editable: the project itself is not on PyPI. A finding exits non-zero: fix or pin before releasing.
exec "$PY" -m pip_audit --skip-editable --progress-spinner off --vulnerability-service "$SERVICE" --desc on "$@"

"""The annual member survey and the network's self-assessment report.

- builder.py: a year's survey from the charter template (template.py) or a copy of the previous year's; questions
  keep a stable key across years so they can be compared; frozen once answers exist.
- invitations.py: invitations when the survey opens (button, or `flask --app wsgi surveys open-due` daily) and
  reminders (`flask --app wsgi surveys remind YEAR`, or a button), through the outbox in each person's language.
- answering.py: drafts and the single submission.
- results.py, summaries.py, suppression.py: aggregation in grouped SQL, stored summaries of closed surveys,
  suppression of small cells; report.py: the results page, the self-assessment report, XLSX/CSV and PDF.

Anonymity. Who answered (`SurveyReceipt`: survey and person, nothing else) and what was answered
(`SurveyResponse` with its answers: a random id, the organisation's kind and region, no person, no time) are kept
apart: no foreign key, no timestamp, no serial number in common, and on SQLite no rowid (the tables are WITHOUT
ROWID, stored in key order, not in the order of answering). Submitting writes no audit entry and no log line, and
deletes the draft. Exports number responses in a random order and blank a kind or region shared by fewer than 5.
What the application cannot hide from someone with the database itself: on PostgreSQL the receipt and the
response of one submission are written by the same transaction (system column xmin), and a web server's access
log records who posted when; neither is reachable through the application.
"""

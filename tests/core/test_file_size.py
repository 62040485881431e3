"""File sizes as each language writes them (a new user saw "(0 kB)" for a small material): one helper, CLDR's
short byte units through Babel (the pages using it: tests/meetings/test_tester_faults.py)."""

from __future__ import annotations

from network.i18n import format_file_size
from network.uploads import MAX_UPLOAD_BYTES


def test_sizes_in_each_language(app):
    nbsp = "\u00a0"
    fi = [format_file_size(n, "fi").replace(nbsp, " ") for n in (0, 850, 12 * 1024, 1258291, MAX_UPLOAD_BYTES,
                                                                  3 * 1024 ** 3)]
    assert fi == ["0 t", "850 t", "12 kt", "1,2 Mt", "20 Mt", "3 Gt"]
    sv = [format_file_size(n, "sv").replace(nbsp, " ") for n in (850, 12 * 1024, 1258291, MAX_UPLOAD_BYTES)]
    assert sv == ["850 B", "12 kB", "1,2 MB", "20 MB"]
    # English writes a decimal point, as the survey figures do (en_FI's comma is misread by English readers).
    assert [format_file_size(n, "en").replace(nbsp, " ") for n in (850, 12 * 1024, 1258291)] == ["850 byte", "12 kB",
                                                                                                 "1.2 MB"]

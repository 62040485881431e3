"""What the meetings domain contributes to pages and reports it does not own (loaded by network.domains)."""

from __future__ import annotations

from ..privacy import personal_data_anonymiser, personal_data_exporter
from ..registries import home_section, yearly_figures
from . import figures, home, privacy

home_section(10, "meetings/_home.html")(home.next_meetings)

personal_data_exporter("meetings")(privacy.export_registrations)
personal_data_anonymiser("meetings")(privacy.anonymise_registrations)

yearly_figures(10)(figures.meeting_figures)

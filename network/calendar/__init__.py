"""Calendar output (iCalendar feeds, single events and iMIP invites), built with the icalendar package."""

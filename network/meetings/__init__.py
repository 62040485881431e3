"""Meetings: the year planner, Democracy Day in week 42, registrations, materials and minutes."""

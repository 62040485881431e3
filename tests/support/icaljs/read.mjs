// Reads one iCalendar text from standard input with ical.js and prints, as JSON, each VEVENT's UID with its
// start and end as UTC instants. The calendar's own VTIMEZONEs are registered first, as Thunderbird does.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(0, "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    start: event.startDate.toJSDate().toISOString(),
    end: event.endDate ? event.endDate.toJSDate().toISOString() : null,
  };
});
process.stdout.write(JSON.stringify(events));

"""RFC 5545 calendar files for events: CRLF line ends, lines folded at 75 octets,
text values escaped, times in UTC ("...Z") so no VTIMEZONE is needed.

An event whose start time is unknown becomes an all-day event on its date
(``DTSTART;VALUE=DATE``), which is what the documents support.
"""

import datetime as dt

MAX_LINE_OCTETS = 75


def escape_text(value):
    """A TEXT value per RFC 5545 3.3.11: backslash, semicolon, comma and newlines escaped."""
    text = str(value or "")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line):
    """Fold a content line into pieces of at most 75 octets, never splitting a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= MAX_LINE_OCTETS:
        return [line]
    pieces = []
    current = ""
    limit = MAX_LINE_OCTETS
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            pieces.append(current)
            current = ""
            limit = MAX_LINE_OCTETS - 1  # continuation lines start with one space
        current += char
    pieces.append(current)
    return [pieces[0]] + [" " + piece for piece in pieces[1:]]


def utc_stamp(moment):
    """20230329T060000Z for an aware datetime, or a naive one already in UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def calendar(event, url, uid_host, description, location, product="Smart City Exchange"):
    """The text of a VCALENDAR holding one VEVENT for `event`."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{escape_text(product)}//Events//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:event-{event.id}@{uid_host}",
        f"DTSTAMP:{utc_stamp(event.updated_at or event.created_at)}",
    ]
    schedule = event.schedule
    if schedule is None:
        lines.append(f"DTSTART;VALUE=DATE:{event.date.strftime('%Y%m%d')}")
        lines.append(f"DTEND;VALUE=DATE:{(event.date + dt.timedelta(days=1)).strftime('%Y%m%d')}")
    else:
        lines.append(f"DTSTART:{utc_stamp(schedule.start_utc)}")
        if schedule.end_utc is not None:
            lines.append(f"DTEND:{utc_stamp(schedule.end_utc)}")
    lines.append(f"SUMMARY:{escape_text(event.title)}")
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines.append(f"URL:{url}")
    lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
    folded = [piece for line in lines for piece in fold(line)]
    return "\r\n".join(folded) + "\r\n"

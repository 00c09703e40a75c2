"""The export of expressions of interest (CSV or JSON): one format for the inbox and the CLI."""

import csv
import io
import json

EXPORT_FIELDS = (
    "reference",
    "submitted_at",
    "status",
    "name",
    "email",
    "organization",
    "organization_type",
    "country",
    "interest_type",
    "project",
    "challenge",
    "solution",
    "event",
    "message",
    "consent",
    "suspected_spam",
    "spam_reason",
)
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def export_record(interest):
    return {
        "reference": interest.reference,
        "submitted_at": interest.created_at.isoformat(timespec="seconds") + "Z",
        "status": interest.status,
        "name": interest.name,
        "email": interest.email,
        "organization": interest.organization,
        "organization_type": interest.organization_type,
        "country": interest.country,
        "interest_type": interest.interest_type,
        "project": interest.project.slug if interest.project else "",
        "challenge": interest.challenge.slug if interest.challenge else "",
        "solution": interest.solution.slug if interest.solution else "",
        "event": interest.event.slug if interest.event else "",
        "message": interest.message,
        "consent": interest.consent,
        "suspected_spam": interest.suspected_spam,
        "spam_reason": interest.spam_reason,
    }


def spreadsheet_safe(value):
    """Text that a spreadsheet shows as text: formula-like cells get a leading quote."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def export_interests(interests, export_format):
    """The CSV or JSON text of `interests`: the one export, for the inbox and the CLI."""
    records = [export_record(interest) for interest in interests]
    if export_format == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_FIELDS)
    for record in records:
        writer.writerow([spreadsheet_safe(record[name]) for name in EXPORT_FIELDS])
    return buffer.getvalue()

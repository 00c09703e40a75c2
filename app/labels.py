"""Every closed vocabulary of the portal, with its translated name, in one place.

Keys are what the database, the import schema and URLs hold; labels are what
people read. Models, forms, validation and templates all take both from here,
so a staff form and a public page always say the same thing. The label
tables are template globals (see :func:`init_app`).
"""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

# Project themes (the six WeGO award categories).
THEME_LABELS = {
    "mobility": _l("Mobility"),
    "open-inclusive": _l("Open and Inclusive City"),
    "safe-city": _l("Safe City"),
    "efficient-government": _l("Efficient Government"),
    "emerging-technology": _l("Emerging Technology"),
    "sustainable-city": _l("Sustainable City"),
}
THEMES = tuple(THEME_LABELS)

# A project's stage.
STATUS_LABELS = {
    "idea": _l("Idea"),
    "feasibility": _l("Feasibility study"),
    "pilot": _l("Pilot"),
    "implemented": _l("Implemented"),
    "scaled": _l("Scaled"),
}
STATUSES = tuple(STATUS_LABELS)

# The role an organisation plays in a project.
ORGANIZATION_ROLE_LABELS = {
    "city": _l("City"),
    "provider": _l("Solution provider"),
    "partner": lazy_pgettext("organisation role", "Partner"),
    "funder": _l("Funder"),
}
ORGANIZATION_ROLES = tuple(ORGANIZATION_ROLE_LABELS)

REGIONS = {
    "africa": _l("Africa"),
    "americas": _l("Americas"),
    "asia-pacific": _l("Asia-Pacific"),
    "europe": _l("Europe"),
    "middle-east": _l("Middle East"),
}

# Member organisations; an expression of interest may also come from "other".
MEMBER_TYPE_LABELS = {
    "local-government": _l("Local government"),
    "corporation": _l("Corporation"),
    "institution": _l("Institution"),
}
MEMBER_TYPES = tuple(MEMBER_TYPE_LABELS)
ORGANIZATION_TYPES = MEMBER_TYPE_LABELS | {"other": _l("Other")}

# What a login may do.
USER_ROLE_LABELS = {
    "member": _l("Member"),
    "staff": _l("Staff"),
    "admin": _l("Administrator"),
}
USER_ROLES = tuple(USER_ROLE_LABELS)

INTEREST_TYPES = {
    "replicate": _l("Replicate or adopt a project"),
    "supply": _l("Supply a solution"),
    "partner": lazy_pgettext("kind of interest", "Partner"),
    "fund": _l("Fund"),
    "learn": _l("Learn more"),
}
# The workflow of an expression of interest, in order; "closed" needs a reason.
INTEREST_STATUSES = {
    "received": _l("Received"),
    "in-review": _l("In review"),
    "introduced": _l("Introduced"),
    "closed": lazy_pgettext("interest status", "Closed"),
}

# Where a case study, challenge or solution stands in moderation (the staff queues).
PUBLICATION_STATE_LABELS = {
    "pending": _l("Pending"),
    "published": _l("Published"),
    "unpublished": _l("Unpublished"),
    "rejected": _l("Rejected"),
}
# Where a member organisation stands in the directory.
MEMBER_STATE_LABELS = {
    "pending": _l("Pending"),
    "approved": _l("Approved"),
    "unpublished": _l("Unpublished"),
}
# The tab of a staff queue that lists every state.
ALL_STATES_LABEL = lazy_pgettext("every state", "All")

# The privacy log: what happened, who started it, and what each count counts.
PRIVACY_ACTION_LABELS = {
    "erasure": _l("Erasure on request"),
    "purge": _l("Retention purge"),
}
PRIVACY_SOURCE_LABELS = {
    "cli": _l("Command line"),
    "account": _l("The person’s own account"),
    "staff": _l("Staff"),
}
PRIVACY_COUNT_LABELS = {
    "interests": _l("Expressions of interest anonymised"),
    "interests_anonymised": _l("Expressions of interest anonymised"),
    "emails": _l("Emails deleted"),
    "emails_cleared": _l("Emails cleared"),
    "event_subscriptions": _l("Event subscriptions deleted"),
    "introductions": _l("Introduction contacts anonymised"),
    "accounts": _l("Accounts deleted"),
    "accounts_deleted": _l("Accounts deleted"),
    "proposals_unattributed": _l("Proposals left unattributed"),
    "organisations": _l("Organisations deleted"),
    "spam_deleted": _l("Suspected spam deleted"),
}


def label(table, key):
    """The label of `key` in `table`, or the key itself when it is unknown."""
    return table.get(key, key)


def member_type_label(key):
    return label(MEMBER_TYPE_LABELS, key)


def state_label(table, key):
    """The label of a moderation state for a staff tab or table; "all" is the every-state tab."""
    return ALL_STATES_LABEL if key == "all" else label(table, key)


def init_app(app):
    """Register the label tables once, as template globals."""
    from .regions import country_name

    app.jinja_env.globals.update(
        theme_labels=THEME_LABELS,
        status_labels=STATUS_LABELS,
        role_labels=ORGANIZATION_ROLE_LABELS,
        regions=REGIONS,
        member_type_label=member_type_label,
        country_name=country_name,
        label=label,
        state_label=state_label,
        publication_labels=PUBLICATION_STATE_LABELS,
        member_state_labels=MEMBER_STATE_LABELS,
        user_role_labels=USER_ROLE_LABELS,
        privacy_action_labels=PRIVACY_ACTION_LABELS,
        privacy_source_labels=PRIVACY_SOURCE_LABELS,
        privacy_count_labels=PRIVACY_COUNT_LABELS,
    )

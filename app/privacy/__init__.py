"""Privacy by design: the notice (/privacy), consent records, retention, access and erasure.

- consent.py: the consent wording stored with each submission and account;
- retention.py: the retention periods and `flask privacy purge`;
- records.py: everything kept about an address (export);
- erasure.py: anonymising and deleting, then scrubbing the files;
- views.py: /privacy, "Download my data" and "Delete my account", the staff erasure page;
- cli.py: `flask privacy export|erase|purge`.
"""

from .views import bp

__all__ = ["bp"]

"""The date a build is « made on »: reproducible when SOURCE_DATE_EPOCH is set."""

from __future__ import annotations

import datetime as dt
import os


def build_date() -> dt.date:
    """The date the build is « made on »: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()

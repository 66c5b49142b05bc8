"""papershelf's settings: read once from Pelican's settings into a frozen value."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass

PREFIX = "PAPERSHELF_"


class SettingsError(Exception):
    exitcode = 1


@dataclass(frozen=True)
class Config:
    """Every setting is `PAPERSHELF_` + the field name in capitals."""

    listings_path: str = "listings"  # below Pelican's PATH
    paper_url: str = "papers/{slug}/"
    paper_save_as: str = "papers/{slug}/index.html"
    date_url: str = "dates/{date:%Y}/{date:%m}/{date:%d}/"
    date_save_as: str = "dates/{date:%Y}/{date:%m}/{date:%d}/index.html"
    month_url: str = "dates/{date:%Y}/{date:%m}/"
    month_save_as: str = "dates/{date:%Y}/{date:%m}/index.html"
    year_url: str = "dates/{date:%Y}/"
    year_save_as: str = "dates/{date:%Y}/index.html"
    dates_url: str = "dates/"
    dates_save_as: str = "dates/index.html"
    home_save_as: str = "index.html"
    home_papers: int = 30  # the home page shows whole days until it has this many
    preview_chars: int = 280  # the start of an abstract shown in lists

    @classmethod
    def from_settings(cls, settings: Mapping) -> Config:
        fields = {f.name.upper(): f for f in dataclasses.fields(cls)}
        values = {}
        for key, value in settings.items():
            if not key.startswith(PREFIX):
                continue
            name = key[len(PREFIX) :]
            if name not in fields:
                close = difflib.get_close_matches(name, fields, n=1)
                hint = f" (did you mean {PREFIX}{close[0]}?)" if close else ""
                raise SettingsError(f"unknown setting {key}{hint}")
            values[fields[name].name] = value
        config = cls(**values)
        config.check()
        return config

    def check(self) -> None:
        """Fail early, naming the setting, when a URL pattern cannot be filled."""
        sample = {"slug": "a-paper", "date": dt.date(2024, 1, 31)}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if not field.name.endswith(("_url", "_save_as")):
                continue
            try:
                value.format(**sample)
            except (KeyError, IndexError, ValueError, AttributeError) as error:
                raise SettingsError(
                    f"{PREFIX}{field.name.upper()} = {value!r} is not a valid pattern: {error}"
                ) from None

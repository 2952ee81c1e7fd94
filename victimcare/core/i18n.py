"""Text that staff type in English and, optionally, in Welsh (an officer's working pattern): shown in the
language active when it is rendered, falling back to English, and saying which language it is in so that a
Welsh page can mark an English fallback with lang="en" for screen readers."""

from dataclasses import dataclass

from django.utils import translation


@dataclass(frozen=True)
class Bilingual:
    en: str
    cy: str = ""

    @property
    def lang(self) -> str:
        """The language of the text shown now: "cy" on a Welsh page that has a Welsh text, else "en"."""
        welsh = (translation.get_language() or "").startswith("cy")
        return "cy" if welsh and self.cy.strip() else "en"

    def __str__(self) -> str:
        return self.cy if self.lang == "cy" else self.en

    def __bool__(self) -> bool:
        return bool(self.en.strip() or self.cy.strip())


def force_name(language: str | None = None) -> str:
    """The force's name in a language (the active one by default): FORCE_NAME, or FORCE_NAME_CY in Welsh."""
    from django.conf import settings

    language = language if language is not None else (translation.get_language() or "")
    return settings.FORCE_NAME_CY if language.startswith("cy") else settings.FORCE_NAME

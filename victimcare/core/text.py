"""Text as people type it: one cleaner for every free-text answer (portal messages, survey answers, notes)."""


def clean_text(value: str | None) -> str:
    """Normalise line endings and strip NUL and other control characters (keeping newlines and tabs)."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32).strip()

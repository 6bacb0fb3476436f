"""The bundled sample accounts (``sample_accounts/`` in the source tree)."""

from __future__ import annotations

from pathlib import Path

DEFAULT_SAMPLE = "midsize-company"


def samples_dir() -> Path:
    """Where the sample account files are: the source tree, or inside the installed package."""
    core = Path(__file__).resolve().parents[1]
    for candidate in (core.parent / "sample_accounts", core / "_samples"):
        if candidate.is_dir():
            return candidate
    return core.parent / "sample_accounts"


def sample_names() -> tuple[str, ...]:
    """Names of the bundled samples (file stems)."""
    return tuple(
        sorted(
            p.stem for p in samples_dir().glob("*.json") if not p.name.endswith(".expected.json")
        )
    )


def sample_path(name: str = DEFAULT_SAMPLE) -> Path:
    """Path of a bundled sample by name (``classic-story``, ``midsize-company``, ...)."""
    return samples_dir() / f"{name}.json"

"""Translation catalogs, one per domain (network/<domain>/translations); Flask-Babel merges them at run time.

  python scripts/i18n.py update [DOMAIN ...]   extract messages and update the fi and sv .po files
  python scripts/i18n.py compile               compile every catalog to .mo (done by `make run` / `make test`)
  python scripts/i18n.py check                 list messages without a Finnish or Swedish translation, and
                                               messages that two domains translate differently
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
NETWORK = ROOT / "network"
TEMPLATES = ROOT / "templates"
LOCALES = ("fi", "sv")
PYBABEL = str(Path(sys.executable).with_name("pybabel"))


def domains() -> list[str]:
    return sorted(p.name for p in NETWORK.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def sources(domain: str) -> list[str]:
    """What a domain's catalog covers: its package and its templates; `core` also the shared modules."""
    paths = [NETWORK / domain, TEMPLATES / domain]
    if domain == "core":
        paths += [p for p in NETWORK.glob("*.py")]
        paths += [TEMPLATES / "base.html", TEMPLATES / "macros.html", TEMPLATES / "errors"]
    return [str(p) for p in paths if p.exists()]


def update(selected: list[str]) -> None:
    for domain in selected or domains():
        directory = NETWORK / domain / "translations"
        directory.mkdir(exist_ok=True)
        pot = directory / "messages.pot"
        subprocess.run(
            [PYBABEL, "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext", "--no-location",
             "--sort-output", "-o", str(pot), *sources(domain)],
            check=True,
        )
        for locale in LOCALES:
            po = directory / locale / "LC_MESSAGES" / "messages.po"
            command = "update" if po.exists() else "init"
            subprocess.run(
                [PYBABEL, "-q", command, "-i", str(pot), "-d", str(directory), "-l", locale, "--no-wrap"]
                + (["--ignore-obsolete"] if command == "update" else []),
                check=True,
            )


def compile_all() -> None:
    for directory in sorted(NETWORK.glob("*/translations")):
        for locale in LOCALES:
            if (directory / locale / "LC_MESSAGES" / "messages.po").exists():
                subprocess.run([PYBABEL, "-q", "compile", "-d", str(directory), "-l", locale], check=True)


def untranslated() -> list[str]:
    """Messages in the code that lack a translation (or are fuzzy) in any locale's merged catalogs."""
    problems = []
    for directory in sorted(NETWORK.glob("*/translations")):
        pot = directory / "messages.pot"
        if not pot.exists():
            continue
        with pot.open("rb") as f:
            wanted = [m.id for m in read_po(f) if m.id]
        for locale in LOCALES:
            po = directory / locale / "LC_MESSAGES" / "messages.po"
            catalog = None
            if po.exists():
                with po.open("rb") as f:
                    catalog = read_po(f)
            for msgid in wanted:
                message = catalog.get(msgid) if catalog else None
                strings = message.string if message else None
                texts = strings if isinstance(strings, tuple) else (strings,)
                if message is None or message.fuzzy or not all(texts):
                    problems.append(f"{directory.parent.name}/{locale}: {msgid if isinstance(msgid, str) else msgid[0]}")
    return problems


def conflicting() -> list[str]:
    """Messages that two domains' catalogs translate differently: the UI must use one term for one thing."""
    problems = []
    for locale in LOCALES:
        seen: dict[str, dict[str, str]] = {}
        for po in sorted(NETWORK.glob(f"*/translations/{locale}/LC_MESSAGES/messages.po")):
            with po.open("rb") as f:
                for message in read_po(f):
                    if message.id and isinstance(message.id, str) and message.string:
                        seen.setdefault(message.id, {})[po.parents[3].name] = message.string
        for msgid, by_domain in sorted(seen.items()):
            if len(set(by_domain.values())) > 1:
                problems.append(f"{locale}: {msgid!r} -> {by_domain}")
    return problems


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "update":
        update(rest)
    elif command == "compile":
        compile_all()
    elif command == "check":
        problems = untranslated() + conflicting()
        print("\n".join(problems) or "all messages translated")
        return 1 if problems else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The translations: complete, in step with the code, and compiled as committed.

Compiled catalogs are committed (see bin/messages), so these tests are what stops a change to
a text, a .po file or a template from reaching people half translated or not at all.
"""

import ast
import filecmp
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
TEMPLATES = sorted((ROOT / "backend").glob("*/templates/**/*.html"))
PYTHON = sorted(p for p in (ROOT / "backend").rglob("*.py") if "migrations" not in p.parts)
SCRIPTS = sorted((ROOT / "frontend" / "static" / "js").glob("*.js"))
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PO_FILES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
FIX = "run `bin/messages extract`, translate in the .po files, then `bin/messages compile`"

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|<[^>]+>")


def entries(catalog) -> dict:
    """msgid (with context and plural) -> what it is translated to, as gettext looks it up."""
    table = {}
    for entry in catalog:
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
            if any(forms):
                table[key] = forms
        elif entry.msgstr:
            table[key] = entry.msgstr
    return table


def test_every_language_has_its_catalogs():
    for code in TRANSLATED:
        for domain in ("django", "djangojs"):
            assert (LOCALE / code / "LC_MESSAGES" / f"{domain}.po").exists(), (code, domain)


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(LOCALE)))
def test_each_compiled_catalog_says_what_its_po_file_says(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `bin/messages compile`"
    po, mo = polib.pofile(str(po_path)), polib.mofile(str(mo_path))

    assert entries(mo) == entries(po), f"{mo_path} is out of date: run `bin/messages compile`"
    assert mo.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms")


def test_the_javascript_catalogs_are_compiled_from_the_current_translations(tmp_path):
    committed = ROOT / "frontend" / "static" / "jsi18n"
    with translation.override(settings.LANGUAGE_CODE):  # the command activates each language
        call_command("compilejsi18n", outputdir=str(tmp_path), verbosity=0)

    for code, _name in settings.LANGUAGES:
        fresh, kept = tmp_path / code / "djangojs.js", committed / code / "djangojs.js"
        assert kept.exists(), f"{kept} is missing: run `bin/messages compile`"
        assert filecmp.cmp(fresh, kept, shallow=False), (
            f"{kept} is out of date: run `bin/messages compile`"
        )


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(LOCALE)))
def test_every_text_is_translated_with_its_placeholders(po_path):
    po = polib.pofile(str(po_path))
    nplurals = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"])[1])
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        translations = (
            [entry.msgstr_plural.get(i, "") for i in range(nplurals)]
            if entry.msgid_plural
            else [entry.msgstr]
        )
        if not all(translations):
            problems.append(f"untranslated: {entry.msgid!r}")
            continue
        # Each form keeps the source's %(name)s, %% and HTML tags (a singular may leave out
        # its count, as in "A check-in …").
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for form in translations:
            found = sorted(PLACEHOLDER.findall(form))
            if found != wanted and not (entry.msgid_plural and set(found) <= set(wanted)):
                problems.append(f"placeholders differ: {entry.msgid!r} -> {form!r}")
    assert not problems, "\n".join(problems)


# What makemessages finds, read the same way, so a text added without running it shows here.
TRANSLATE_TAG = re.compile(r"""{%\s*translate\s+(?:"([^"]*)"|'([^']*)')""")
BLOCK_TAG = re.compile(
    r"{%\s*blocktranslate\b([^%]*)%}(.*?)(?:{%\s*plural\s*%}(.*?))?{%\s*endblocktranslate\s*%}",
    re.S,
)
VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")
SCRIPT_CALL = re.compile(r"""\b(n?gettext)\(\s*((?:"[^"]*"\s*,\s*)*"[^"]*")""")
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}


def _block_msgid(text: str, trimmed: bool) -> str:
    if trimmed:
        text = " ".join(line.strip() for line in text.strip().splitlines())
    return VARIABLE.sub(r"%(\1)s", text.replace("%", "%%"))


def template_msgids(path: Path) -> set[tuple[str, ...]]:
    source = path.read_text()
    found = {
        ((double or single).replace("%", "%%"),) for double, single in TRANSLATE_TAG.findall(source)
    }
    for options, singular, plural in BLOCK_TAG.findall(source):
        trimmed = "trimmed" in options.split()
        key = (_block_msgid(singular, trimmed),)
        if plural:
            key += (_block_msgid(plural, trimmed),)
        found.add(key)
    return found


def python_msgids(path: Path) -> set[tuple[str, ...]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in GETTEXT_NAMES
        ):
            literals = [a.value for a in node.args if isinstance(a, ast.Constant)]
            texts = [value for value in literals if isinstance(value, str)]
            if texts:
                found.add(tuple(texts[:2] if node.func.id.startswith("n") else texts[:1]))
    return found


def script_msgids(path: Path) -> set[tuple[str, ...]]:
    return {
        tuple(re.findall(r'"([^"]*)"', arguments))
        for _name, arguments in SCRIPT_CALL.findall(path.read_text())
    }


def po_msgids(domain: str, code: str) -> set[tuple[str, ...]]:
    po = polib.pofile(str(LOCALE / code / "LC_MESSAGES" / f"{domain}.po"))
    return {(e.msgid, e.msgid_plural) if e.msgid_plural else (e.msgid,) for e in po}


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_text_in_templates_and_python_is_in_the_catalog(code):
    known = po_msgids("django", code)
    missing = {
        f"{path.relative_to(ROOT)}: {msgid!r}"
        for path in TEMPLATES
        for msgid in template_msgids(path)
        if msgid not in known
    } | {
        f"{path.relative_to(ROOT)}: {msgid!r}"
        for path in PYTHON
        for msgid in python_msgids(path)
        if msgid not in known
    }
    assert not missing, f"not in locale/{code}/LC_MESSAGES/django.po ({FIX}):\n" + "\n".join(
        sorted(missing)
    )


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_text_in_the_javascript_modules_is_in_the_catalog(code):
    known = po_msgids("djangojs", code)
    missing = {
        f"{path.relative_to(ROOT)}: {msgid!r}"
        for path in SCRIPTS
        for msgid in script_msgids(path)
        if msgid not in known
    }
    assert not missing, f"not in locale/{code}/LC_MESSAGES/djangojs.po ({FIX}):\n" + "\n".join(
        sorted(missing)
    )


def test_the_scanners_find_texts_as_makemessages_does():
    base = ROOT / "backend" / "web" / "templates" / "web" / "base.html"
    assert ("Skip to content",) in template_msgids(base)
    assert ("Managing <strong>%(name)s</strong>",) in template_msgids(base)
    reassessment = ROOT / "backend" / "checkins" / "templates" / "checkins" / "_reassessment.html"
    assert ("(aim: at least 30%% lower)",) in template_msgids(reassessment)
    messages = ROOT / "backend" / "reminders" / "messages.py"
    assert ("Snooze 15 min",) in python_msgids(messages)
    checkin = ROOT / "frontend" / "static" / "js" / "checkin.js"
    assert (
        "%(count)s check-in waiting to sync",
        "%(count)s check-ins waiting to sync",
    ) in script_msgids(checkin)


# Text a person reads, left outside the translation tags.
COMMENT = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|<!--.*?-->", re.S)
MARKED = re.compile(
    r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}|{%\s*translate\s.*?%}", re.S
)
TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}", re.S)
READ_ATTRIBUTE = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"')
NOT_WORDS = {"Tonus"}  # the name, the same in every language


def unmarked_text(source: str) -> list[str]:
    source = COMMENT.sub(" ", source)
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    source = MARKED.sub(" ", source)
    found = [value for value in READ_ATTRIBUTE.findall(source)]
    found += re.sub(r"<[^>]*>", "\n", source).splitlines()
    words = []
    for text in found:
        text = TEMPLATE_CODE.sub(" ", text)
        if any(word not in NOT_WORDS for word in re.findall(r"[A-Za-z]{2,}", text)):
            words.append(text.strip())
    return words


def test_the_template_check_finds_text_outside_the_tags():
    assert unmarked_text('<p>{% translate "Hello" %}</p><p>Good bye</p>') == ["Good bye"]
    assert unmarked_text('<nav aria-label="Main">') == ["Main"]
    assert unmarked_text('<a class="brand">Tonus</a>{{ user.name }}') == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "backend")))
def test_templates_have_no_text_outside_the_translation_tags(path):
    assert unmarked_text(path.read_text()) == [], (
        "wrap these in {% translate %} or {% blocktranslate %}"
    )


LITERAL = re.compile(r""""([^"\n]*)"|'([^'\n]*)'|`([^`]*)`""")


def unmarked_sentences(source: str) -> list[str]:
    """String literals that read like words for people (a space and a capitalised word), not
    passed to gettext: selectors, headers and keys have no space or no capital."""
    source = re.sub(r"^\s*//[^\n]*", "", source, flags=re.M)
    found = []
    for groups in LITERAL.findall(SCRIPT_CALL.sub("", source)):
        text = "".join(groups)
        if " " in text and re.search(r"\b[A-Z][a-z]+\b", text):
            found.append(text)
    return found


def test_the_module_check_finds_english_outside_gettext():
    assert unmarked_sentences('show(gettext("Reminders are on."));') == []
    assert unmarked_sentences("confirm(`${n} left. Log out anyway?`);") == [
        "${n} left. Log out anyway?"
    ]
    assert unmarked_sentences('show("Blocked. Allow them in your browser\'s settings.")') == [
        "Blocked. Allow them in your browser's settings."
    ]
    assert unmarked_sentences('el.textContent = "Saved on this phone";') == ["Saved on this phone"]
    assert unmarked_sentences('headers: { "Content-Type": "application/json" }') == []


def test_the_modules_show_no_english_sentence_outside_gettext():
    unmarked = [
        f"{path.name}: {text}" for path in SCRIPTS for text in unmarked_sentences(path.read_text())
    ]
    assert not unmarked, "show these through gettext() from i18n.js:\n" + "\n".join(unmarked)

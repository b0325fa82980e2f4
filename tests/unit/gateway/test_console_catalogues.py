"""The console's language catalogues (gateway/console/static/i18n/<language>/<screen>.json,
served merged as /console/i18n/<language>.json): each part exists in both languages, no key is in
two parts, English and 简体中文 carry the same keys, every key the scripts ask for exists in
both, and no visible text is left in English in the Chinese one by accident (a copied value)."""
import json
import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[3] / "gateway" / "console" / "static"
LANGUAGES = ("en", "zh-CN")
# t("key") in the scripts; label("prefix", value) keys are checked through their prefixes.
# Keys also asked for as plain "prefix.key" strings (tables of keys), by their screens' prefixes.
PREFIXES = ("customers?", "common", "login", "error", "header", "nav", "pipeline", "customer_new",
            "dashboard", "leads", "deal", "documents", "tickets?", "tasks", "sla", "csat",
            "campaigns?", "segment")
ASKED = re.compile(r"""\bt\(\s*"(\w+\.[\w.]+)"|"((?:""" + "|".join(PREFIXES) + r""")\.[\w.]+)\"""")
LABELLED = re.compile(r"""\blabel\(\s*"(\w+)\"""")
SAME_IN_BOTH = {"class.A", "class.B", "class.C"}      # single letters are not translated


def part(language, name):
    return json.loads((STATIC / "i18n" / language / name).read_text(encoding="utf-8"))


def catalogue(language):
    from gateway.console import catalogue_parts
    merged = {}
    for path in catalogue_parts(language):
        merged.update(part(language, path.name))
    return merged


def test_each_part_is_in_both_languages_and_no_key_is_in_two_parts():
    names = {language: sorted(path.name for path in (STATIC / "i18n" / language).glob("*.json"))
             for language in LANGUAGES}
    assert names["en"] == names["zh-CN"] and "core.json" in names["en"], names
    for language in LANGUAGES:
        seen = {}
        for name in names[language]:
            for key in part(language, name):
                assert key not in seen, f"{language}: {key} in {seen.get(key)} and {name}"
                seen[key] = name


def scripts():
    return {path.name: path.read_text(encoding="utf-8") for path in (STATIC / "js").glob("*.js")}


def test_both_catalogues_have_the_same_keys():
    english, chinese = catalogue("en"), catalogue("zh-CN")
    assert set(english) == set(chinese), set(english) ^ set(chinese)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_the_scripts_ask_for_is_in_the_catalogue(language):
    keys = set(catalogue(language))
    asked = {key for text in scripts().values() for match in ASKED.findall(text) for key in match if key}
    assert asked, "the pattern found no t(...) call: the test would prove nothing"
    assert not asked - keys, sorted(asked - keys)
    prefixes = {prefix for text in scripts().values() for prefix in LABELLED.findall(text)}
    assert prefixes >= {"role", "stage", "class", "timeline", "kind"}
    for prefix in prefixes:
        assert any(key.startswith(prefix + ".") for key in keys), prefix


def test_the_chinese_catalogue_is_translated():
    english, chinese = catalogue("en"), catalogue("zh-CN")
    copied = {key for key, text in chinese.items() if text == english[key]} - SAME_IN_BOTH
    assert not copied, sorted(copied)
    assert all(re.search(r"[\u4e00-\u9fff]", text) for key, text in chinese.items()
               if key not in SAME_IN_BOTH), "a Chinese value without a Chinese character"


def test_the_placeholders_match_between_languages():
    english, chinese = catalogue("en"), catalogue("zh-CN")
    for key, text in english.items():
        assert set(re.findall(r"\{\w+\}", text)) == set(re.findall(r"\{\w+\}", chinese[key])), key


def test_every_role_identity_knows_has_a_label():
    from services.chassis.auth import ROLES
    for language in LANGUAGES:
        assert {f"role.{role}" for role in ROLES} <= set(catalogue(language)), language

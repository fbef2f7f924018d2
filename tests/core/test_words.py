"""Answers typed in English, Spanish, Russian, Brazilian Portuguese and German, read by core's
parsers with each language's lexicon (locales/<code>/words.toml plus English as the fallback)."""

from __future__ import annotations

import tomllib
from datetime import date, time

import pytest

from bot.lexicons import lexicon_for, word_files
from core.clock import has_explicit_minutes, parse_daily_time
from core.dates import parse_pause_until
from core.lexicon import SECTIONS, LexiconError, build_lexicon, fold
from core.replies import (
    AmountError,
    expresses_doubt,
    parse_amount,
    parse_confidence,
    parse_effort,
    parse_outcome,
    parse_reason,
    parse_target,
    skips_question,
)
from core.router import Action, OpenState, check_in_words, route
from core.vocabulary import FailureReason, Outcome, Topic
from tests.support.words import words

LANGUAGES = ("en", "es", "ru", "pt_BR", "de")
D, F, S = Outcome.DONE, Outcome.FAILED, Outcome.SKIPPED
HARD, TIME, ILL, OTHER = (FailureReason.TOO_HARD, FailureReason.NO_TIME, FailureReason.UNWELL,
                          FailureReason.OTHER)
TODAY = date(2026, 12, 3)  # a Thursday


def _cases(table: dict[str, list[tuple[str, object]]]) -> list[tuple[str, str, object]]:
    return [(locale, text, expected) for locale, rows in table.items() for text, expected in rows]


# --------------------------------------------------------------------------- the files


def test_every_language_has_its_words_file() -> None:
    assert set(LANGUAGES) <= set(word_files())


@pytest.mark.parametrize("locale", LANGUAGES)
def test_each_words_file_loads_and_has_every_section(locale: str) -> None:
    with word_files()[locale].open("rb") as file:
        data = tomllib.load(file)
    assert set(SECTIONS) <= set(data), set(SECTIONS) - set(data)
    for key in ("done", "failed", "skipped"):
        assert data["outcome"][key], f"{locale}: outcome.{key} is empty"
    assert data["doubt"]["phrases_regex"] and data["negation"]["words"]
    reasons = ("too_hard", "no_time", "unwell", "other")
    assert all(data["reasons"][f"{key}_regex"] for key in reasons)
    assert data["numbers"]["decimal_mark"] in (".", ",")
    assert lexicon_for(locale).locale == locale


def test_a_missing_section_is_reported() -> None:
    with word_files()["en"].open("rb") as file:
        data = tomllib.load(file)
    del data["doubt"]
    with pytest.raises(LexiconError, match="doubt"):
        build_lexicon("xx", data)


def test_a_bad_regex_is_reported_by_itself() -> None:
    with word_files()["en"].open("rb") as file:
        data = tomllib.load(file)
    data["clock"]["am_regex"] = ["(unclosed"]
    with pytest.raises(LexiconError, match="unclosed"):
        build_lexicon("xx", data)


def test_a_language_without_words_reads_english() -> None:
    other = lexicon_for("fr")
    assert parse_outcome("done", other) is D
    assert parse_outcome("hecho", other) is None


@pytest.mark.parametrize("locale", LANGUAGES[1:])
def test_english_is_understood_in_every_language(locale: str) -> None:
    lexicon = words(locale)
    assert parse_outcome("done", lexicon) is D
    assert parse_outcome("skip", lexicon) is S
    assert parse_effort("just right", lexicon) == 3
    assert expresses_doubt("I can't do this", lexicon)
    assert parse_reason("no time", lexicon) is TIME
    assert parse_daily_time("7:30 pm", lexicon) == time(19, 30)


def test_the_users_language_wins_over_english() -> None:
    # Spanish "mar" is Tuesday's short name; in English it is March.
    assert parse_pause_until("mar", TODAY, words("es")) == date(2026, 12, 8)
    # and Spanish alone keeps a Spanish word's meaning when English does not know it
    assert parse_outcome("listo", words("en")) is None


def test_fold_makes_accents_optional_but_keeps_cyrillic_letters() -> None:
    assert fold("difícil não müde straße") == "dificil nao mude strasse"
    assert fold("ещё") == fold("еще")
    assert fold("мой") != fold("мои")  # й is a letter, not и with a mark


@pytest.mark.parametrize("locale", LANGUAGES)
@pytest.mark.parametrize("text", ["banana", "qwerty", "xyzzy", "7 bananas later", "🙂"])
def test_an_unknown_word_is_none_in_every_language(locale: str, text: str) -> None:
    lexicon = words(locale)
    assert parse_outcome(text, lexicon) is None
    assert parse_effort(text, lexicon) is None
    assert parse_reason(text, lexicon) is None
    assert parse_confidence(text, lexicon) is None
    assert not expresses_doubt(text, lexicon)
    assert not isinstance(parse_daily_time(text, lexicon), time)
    assert not isinstance(parse_pause_until(text, TODAY, lexicon), date)


# --------------------------------------------------------------------------- outcomes

OUTCOMES = _cases({
    "es": [
        ("hecho", D), ("Hecho!", D), ("listo", D), ("lista", D), ("ya", D), ("ya está", D),
        ("ya esta", D), ("lo hice", D), ("sí", D), ("si", D), ("terminé", D), ("termine", D),
        ("lo logré", D), ("hecho ✅", D), ("no", F), ("no pude", F), ("no lo hice", F),
        ("fallé", F), ("hoy no", F), ("no me salió", F), ("paso", S), ("hoy paso", S),
        ("me lo salto", S), ("descanso", S), ("día de descanso", S), ("dia de descanso", S),
    ],
    "ru": [
        ("готово", D), ("Готово!", D), ("сделал", D), ("сделала", D), ("Сделано", D), ("да", D),
        ("ага", D), ("выполнила", D), ("смогла", D), ("получилось", D), ("всё", D), ("все", D),
        ("справился", D), ("да, сделал", D), ("нет", F), ("не смог", F), ("не смогла", F),
        ("не сделала", F), ("не получилось", F), ("провал", F), ("не сегодня", F),
        ("пропускаю", S), ("пропуск", S), ("день отдыха", S), ("выходной", S), ("скип", S),
    ],
    "pt_BR": [
        ("feito", D), ("Feito!", D), ("fiz", D), ("eu fiz", D), ("pronto", D), ("consegui", D),
        ("sim", D), ("já fiz", D), ("ja fiz", D), ("concluido", D), ("deu certo", D),
        ("tá feito", D), ("ta feito", D), ("não", F), ("nao", F), ("não consegui", F),
        ("nao consegui", F), ("não fiz", F), ("falhei", F), ("não rolou", F), ("hoje não", F),
        ("pular", S), ("pulei", S), ("vou pular", S), ("folga", S), ("dia de descanso", S),
    ],
    "de": [
        ("erledigt", D), ("Erledigt!", D), ("geschafft", D), ("gemacht", D), ("fertig", D),
        ("ja", D), ("jep", D), ("jo", D), ("jup", D), ("hab's geschafft", D), ("habs geschafft", D),
        ("durchgezogen", D), ("erledigt 👍", D), ("nein", F), ("nö", F), ("no", F), ("nee", F),
        ("nicht geschafft", F), ("leider nicht", F), ("heute nicht", F), ("hat nicht geklappt", F),
        ("überspringen", S), ("uberspringen", S), ("ruhetag", S), ("heute pause", S),
        ("ich setze aus", S),
    ],
})


@pytest.mark.parametrize(("locale", "text", "expected"), OUTCOMES)
def test_outcomes(locale: str, text: str, expected: Outcome) -> None:
    assert parse_outcome(text, words(locale)) is expected


@pytest.mark.parametrize(("locale", "text"), [
    ("es", "hecho ❌"), ("es", "no sé"), ("ru", "готово ❌"), ("ru", "может быть"),
    ("pt_BR", "feito ❌"), ("pt_BR", "talvez"), ("de", "erledigt ❌"), ("de", "vielleicht"),
])
def test_unclear_outcomes(locale: str, text: str) -> None:
    assert parse_outcome(text, words(locale)) is None


# --------------------------------------------------------------------------- yes/no, skips

@pytest.mark.parametrize(("locale", "text"), [
    ("es", "sí"), ("es", "si"), ("es", "no"), ("ru", "да"), ("ru", "нет"), ("ru", "ага"),
    ("pt_BR", "sim"), ("pt_BR", "não"), ("pt_BR", "nao"), ("de", "ja"), ("de", "nein"),
    ("de", "jep"),
])
def test_a_bare_yes_or_no_answers_the_open_question_not_the_challenge(locale: str,
                                                                       text: str) -> None:
    lexicon = words(locale)
    assert parse_outcome(text, lexicon) is not None
    assert check_in_words(text, lexicon) is None


@pytest.mark.parametrize(("locale", "text", "expected"), [
    ("es", "hecho", D), ("ru", "сделала", D), ("pt_BR", "fiz", D), ("de", "erledigt", D),
    ("es", "no pude", F), ("ru", "не смог", F), ("pt_BR", "não consegui", F),
    ("de", "nicht geschafft", F),
])
def test_a_clear_check_in_interrupts_an_open_question(locale: str, text: str,
                                                       expected: Outcome) -> None:
    assert check_in_words(text, words(locale)) is expected


@pytest.mark.parametrize(("locale", "text"), [
    ("es", "saltar"), ("es", "paso"), ("es", "ninguno"), ("es", "no sé"), ("es", "no se"),
    ("es", "ni idea"), ("ru", "пропустить"), ("ru", "не знаю"), ("ru", "без цели"), ("ru", "хз"),
    ("pt_BR", "pular"), ("pt_BR", "não sei"), ("pt_BR", "sei la"), ("pt_BR", "nenhuma"),
    ("de", "überspringen"), ("de", "keine ahnung"), ("de", "weiß nicht"), ("de", "weiss nicht"),
    ("de", "kein ziel"),
])
def test_no_target(locale: str, text: str) -> None:
    assert parse_target(text, words(locale), current=10) is None


@pytest.mark.parametrize(("locale", "text"), [
    ("es", "paso"), ("es", "-"), ("ru", "пропустить"), ("ru", "не помню"), ("pt_BR", "pular"),
    ("pt_BR", "não lembro"), ("de", "überspringen"), ("de", "keine ahnung"), ("en", "skip"),
])
def test_skipping_an_optional_question(locale: str, text: str) -> None:
    assert skips_question(text, words(locale))


@pytest.mark.parametrize(("locale", "text"), [
    ("es", "hoy no"), ("ru", "не сегодня"), ("pt_BR", "hoje não"), ("de", "heute nicht"),
])
def test_not_today_chooses_tomorrow_at_the_first_challenge_question(locale: str,
                                                                    text: str) -> None:
    assert check_in_words(text, words(locale), step="first") is None


# --------------------------------------------------------------------------- effort

EFFORT = _cases({
    "es": [
        ("muy fácil", 1), ("muy facil", 1), ("pan comido", 1), ("regalado", 1), ("fácil", 2),
        ("facil", 2), ("tranqui", 2), ("normal", 3), ("bien", 3), ("lo justo", 3), ("difícil", 4),
        ("dificil", 4), ("me costó", 4), ("duro", 4), ("muy difícil", 5), ("a tope", 5),
        ("al máximo", 5), ("4 de 5", 4), ("3 normal", 3), ("tres", 3),
    ],
    "ru": [
        ("очень легко", 1), ("изи", 1), ("элементарно", 1), ("легко", 2), ("лёгко", 2),
        ("несложно", 2), ("нормально", 3), ("норм", 3), ("в самый раз", 3), ("средне", 3),
        ("тяжело", 4), ("сложно", 4), ("тяжеловато", 4), ("очень тяжело", 5), ("на пределе", 5),
        ("жесть", 5), ("выложилась", 5), ("4 из 5", 4), ("пять", 5), ("2 легко", 2),
    ],
    "pt_BR": [
        ("muito fácil", 1), ("moleza", 1), ("muito facil", 1), ("fácil", 2), ("tranquilo", 2),
        ("de boa", 2), ("normal", 3), ("na medida", 3), ("médio", 3), ("medio", 3), ("puxado", 4),
        ("difícil", 4), ("pesado", 4), ("muito difícil", 5), ("no limite", 5), ("morri", 5),
        ("esforço máximo", 5), ("4 de 5", 4), ("quatro", 4), ("5 no limite", 5),
    ],
    "de": [
        ("sehr leicht", 1), ("kinderspiel", 1), ("zu leicht", 1), ("leicht", 2), ("locker", 2),
        ("einfach", 2), ("genau richtig", 3), ("mittel", 3), ("geht so", 3), ("passt so", 3),
        ("schwer", 4), ("anstrengend", 4), ("hart", 4), ("zäh", 4), ("zah", 4),
        ("sehr schwer", 5), ("am limit", 5), ("alles gegeben", 5), ("4 von 5", 4), ("drei", 3),
    ],
})


@pytest.mark.parametrize(("locale", "text", "expected"), EFFORT)
def test_effort(locale: str, text: str, expected: int) -> None:
    assert parse_effort(text, words(locale)) == expected


@pytest.mark.parametrize(("locale", "text"), [
    ("es", "2 muy difícil"), ("ru", "1 тяжело"), ("pt_BR", "5 moleza"), ("de", "1 am limit"),
])
def test_effort_number_and_words_that_disagree(locale: str, text: str) -> None:
    assert parse_effort(text, words(locale)) is None


@pytest.mark.parametrize(("locale", "text"), [case[:2] for case in EFFORT])
def test_an_effort_is_never_an_outcome(locale: str, text: str) -> None:
    assert parse_outcome(text, words(locale)) is None


# --------------------------------------------------------------------------- amounts

AMOUNTS = [
    # the user's decimal comma, and "." grouping thousands
    ("es", "1,5", None, None, 1.5), ("es", "1.000", None, None, 1000.0),
    ("es", "1.000,5", None, None, 1000.5), ("es", "12,5 km", None, "km", 12.5),
    ("es", "1,5 horas", None, "minutos", 90.0), ("es", "unos 20 minutos", None, "minutos", 20.0),
    ("es", "diez", None, None, 10.0), ("es", "treinta y cinco", None, None, 35.0),
    ("es", "veinticinco palabras", None, "palabras", 25.0), ("es", "20 y pico", None, None, 20.0),
    ("ru", "1,5", None, None, 1.5), ("ru", "1 000", None, None, 1000.0),
    ("ru", "1\u00a0000", None, None, 1000.0), ("ru", "1.000", None, None, 1000.0),
    ("ru", "1,5 часа", None, "минут", 90.0), ("ru", "около 20 минут", None, "минут", 20.0),
    ("ru", "десять", None, None, 10.0), ("ru", "двадцать пять", None, None, 25.0),
    ("ru", "30 отжиманий", None, "отжиманий", 30.0),
    ("pt_BR", "1,5", None, None, 1.5), ("pt_BR", "1.000", None, None, 1000.0),
    ("pt_BR", "2,5 km", None, "km", 2.5), ("pt_BR", "1,5 hora", None, "minutos", 90.0),
    ("pt_BR", "umas 10", None, None, 10.0), ("pt_BR", "dez", None, None, 10.0),
    ("pt_BR", "vinte e cinco", None, None, 25.0), ("pt_BR", "20 e poucos", None, None, 20.0),
    ("de", "1,5", None, None, 1.5), ("de", "1.000", None, None, 1000.0),
    ("de", "1.000,5", None, None, 1000.5), ("de", "1,5 Stunden", None, "Minuten", 90.0),
    ("de", "etwa 20 Minuten", None, "Minuten", 20.0), ("de", "zehn", None, None, 10.0),
    ("de", "fünfundzwanzig", None, None, 25.0), ("de", "einundzwanzig", None, None, 21.0),
    ("de", "20 oder so", None, None, 20.0),
    # English keeps its own reading; a known step still decides where one is known
    ("en", "1,000", None, None, 1000.0), ("en", "1.000", None, None, 1.0),
    ("de", "1,000", None, None, 1.0), ("de", "1,000", 50, None, 1000.0),
    ("de", "2.000", 0.5, None, 2.0), ("de", "1.5", None, None, 1.5),
]


@pytest.mark.parametrize(("locale", "text", "step", "unit", "expected"), AMOUNTS)
def test_amounts(locale: str, text: str, step: float | None, unit: str | None,
                 expected: float) -> None:
    assert parse_amount(text, words(locale), step=step, unit=unit) == expected


@pytest.mark.parametrize(("locale", "text", "unit"), [
    ("es", "10 páginas", "minutos"), ("ru", "10 страниц", "минут"), ("pt_BR", "10 km", "minutos"),
    ("de", "10 Seiten", "Minuten"), ("es", "10 a 15", None), ("ru", "10 или 15", None),
    ("pt_BR", "10 ou 15", None), ("de", "10 bis 15", None),
])
def test_amounts_refused(locale: str, text: str, unit: str | None) -> None:
    assert isinstance(parse_amount(text, words(locale), unit=unit), AmountError)


@pytest.mark.parametrize(("locale", "text", "expected"), [
    ("es", "70", 70), ("es", "70 por ciento", 70), ("es", "estoy 70% seguro", 70),
    ("ru", "80%", 80), ("ru", "уверен на 70%", 70), ("ru", "70 процентов", 70),
    ("pt_BR", "70 por cento", 70), ("pt_BR", "tô 70% confiante", 70),
    ("de", "70 Prozent", 70), ("de", "ich bin zu 70 % sicher", 70),
])
def test_confidence(locale: str, text: str, expected: int) -> None:
    assert parse_confidence(text, words(locale)) == expected


# --------------------------------------------------------------------------- clock times

TIMES = _cases({
    "es": [
        ("19h", time(19)), ("19:30", time(19, 30)), ("a las 7", time(7)),
        ("7 de la tarde", time(19)), ("a las 7 de la tarde", time(19)),
        ("8 de la mañana", time(8)), ("8 de la manana", time(8)), ("10 de la noche", time(22)),
        ("12 de la noche", time(0)), ("7 y media", time(7, 30)),
        ("7 y media de la tarde", time(19, 30)), ("8 menos cuarto", time(7, 45)),
        ("9 y cuarto", time(9, 15)), ("mediodía", time(12)), ("a mediodia", time(12)),
        ("sobre las 6", time(6)), ("19 horas", time(19)),
    ],
    "ru": [
        ("19:00", time(19)), ("в 19:30", time(19, 30)), ("в 7", time(7)),
        ("в 7 вечера", time(19)), ("7 вечера", time(19)), ("в 8 утра", time(8)),
        ("2 дня", time(14)), ("11 ночи", time(23)), ("2 ночи", time(2)), ("12 ночи", time(0)),
        ("19 ч", time(19)), ("в 19 часов", time(19)), ("7 часов вечера", time(19)),
        ("в полдень", time(12)), ("полночь", time(0)), ("около 6", time(6)),
        ("в 7.30", time(7, 30)),
    ],
    "pt_BR": [
        ("19h", time(19)), ("19h30", time(19, 30)), ("às 7", time(7)), ("as 7", time(7)),
        ("7 da noite", time(19)), ("às 7 da noite", time(19)), ("7 da manhã", time(7)),
        ("3 da tarde", time(15)), ("11 da noite", time(23)), ("7 e meia", time(7, 30)),
        ("7 e meia da noite", time(19, 30)), ("meio-dia", time(12)), ("meia noite", time(0)),
        ("às 20 horas", time(20)), ("lá pelas 6", time(6)), ("20:15", time(20, 15)),
        ("umas 8 da manhã", time(8)),
    ],
    "de": [
        ("19 Uhr", time(19)), ("um 19 Uhr", time(19)), ("19.30 Uhr", time(19, 30)),
        ("um 7", time(7)), ("7 Uhr morgens", time(7)), ("um 7 Uhr abends", time(19)),
        ("3 Uhr nachmittags", time(15)), ("2 Uhr nachts", time(2)), ("11 Uhr nachts", time(23)),
        ("halb 8", time(7, 30)), ("um halb 8", time(7, 30)), ("halb 8 abends", time(19, 30)),
        ("gegen 6", time(6)), ("Mittag", time(12)), ("Mitternacht", time(0)),
        ("7 Uhr früh", time(7)), ("7 uhr fruh", time(7)),
    ],
})


@pytest.mark.parametrize(("locale", "text", "expected"), TIMES)
def test_clock_times(locale: str, text: str, expected: time) -> None:
    assert parse_daily_time(text, words(locale)) == expected


@pytest.mark.parametrize(("locale", "text", "explicit"), [
    ("es", "7 y media", True), ("es", "7 de la tarde", False), ("ru", "в 7:30", True),
    ("ru", "в 7 вечера", False), ("pt_BR", "19h30", True), ("pt_BR", "19h", False),
    ("de", "halb 8", True), ("de", "19 Uhr", False),
])
def test_explicit_minutes(locale: str, text: str, explicit: bool) -> None:
    assert has_explicit_minutes(text, words(locale)) is explicit


@pytest.mark.parametrize(("locale", "text"), [
    ("es", "13 de la tarde"), ("ru", "25 вечера"), ("pt_BR", "7:75"), ("de", "halb 8:30"),
    ("es", "luego"), ("ru", "вечером"), ("pt_BR", "de noite"), ("de", "abends"),
])
def test_clock_times_refused(locale: str, text: str) -> None:
    assert not isinstance(parse_daily_time(text, words(locale)), time)


# --------------------------------------------------------------------------- reasons

REASONS = _cases({
    "es": [
        ("demasiado difícil", HARD), ("demasiado dificil", HARD), ("era muy duro", HARD),
        ("no pude con ello", HARD), ("no tuve tiempo", TIME), ("sin tiempo", TIME),
        ("estaba muy ocupada", TIME), ("me faltó tiempo", TIME), ("estaba enfermo", ILL),
        ("me sentía mal", ILL), ("tengo gripe", ILL), ("me lesioné", ILL), ("otra cosa", OTHER),
        ("surgió algo", OTHER), ("no fue difícil, solo sin tiempo", TIME),
    ],
    "ru": [
        ("слишком сложно", HARD), ("было тяжело", HARD), ("не потянула", HARD),
        ("не было времени", TIME), ("не успела", TIME), ("не успел", TIME), ("был занят", TIME),
        ("некогда", TIME), ("заболела", ILL), ("плохо себя чувствовал", ILL),
        ("простыл", ILL), ("болит спина", ILL), ("другое", OTHER), ("что-то случилось", OTHER),
        ("не сложно, просто не успел", TIME),
    ],
    "pt_BR": [
        ("difícil demais", HARD), ("muito pesado", HARD), ("não dei conta", HARD),
        ("não tive tempo", TIME), ("nao tive tempo", TIME), ("sem tempo", TIME),
        ("dia corrido", TIME), ("estava doente", ILL), ("passei mal", ILL), ("tô gripado", ILL),
        ("machuquei o pé", ILL), ("outra coisa", OTHER), ("surgiu um imprevisto", OTHER),
        ("outro motivo", OTHER), ("não foi difícil, só sem tempo", TIME),
    ],
    "de": [
        ("zu schwer", HARD), ("war zu anstrengend", HARD), ("überfordert", HARD),
        ("keine Zeit", TIME), ("hatte keine zeit", TIME), ("zu viel Stress", TIME),
        ("war krank", ILL), ("erkältet", ILL), ("mir ging es nicht gut", ILL),
        ("Kopfschmerzen", ILL), ("was anderes", OTHER), ("es kam was dazwischen", OTHER),
        ("anderer Grund", OTHER), ("nicht zu schwer, nur keine zeit", TIME),
        ("krank und keine zeit", None),
    ],
})


@pytest.mark.parametrize(("locale", "text", "expected"), REASONS)
def test_reasons(locale: str, text: str, expected: FailureReason | None) -> None:
    assert parse_reason(text, words(locale)) is expected


REASON_ASKED = OpenState(registered=True, onboarded=True, reason_asked=True)


@pytest.mark.parametrize(("locale", "text", "expected"),
                         [case for case in REASONS if case[2] is not None])
def test_a_reason_is_routed_as_a_reason_not_a_check_in(locale: str, text: str,
                                                        expected: FailureReason) -> None:
    intent = route(text, REASON_ASKED, words(locale))
    assert (intent.action, intent.reason) == (Action.REASON, expected)


# --------------------------------------------------------------------------- doubt

DOUBT = _cases({
    "es": [
        ("no puedo", True), ("No puedo más", True), ("no voy a poder", True),
        ("no lo voy a lograr", True), ("es imposible", True), ("es demasiado difícil", True),
        ("muy dificil para mi", True), ("no creo que pueda", True), ("no sé si puedo", True),
        ("no se si puedo", True), ("me rindo", True), ("tiro la toalla", True),
        ("ni de broma", True), ("no hay manera", True), ("nunca lo voy a lograr", True),
        ("no soy capaz", True), ("es mucho para mí", True),
        ("no es tan difícil", False), ("no es imposible", False), ("nada es imposible", False),
        ("no me rindo", False), ("nunca me rindo", False), ("no puedo esperar", False),
        ("no puedo creer que lo hice", False), ("puedo hacerlo", False), ("fue fácil", False),
        ("no hay problema", False),
    ],
    "ru": [
        ("не смогу", True), ("я не могу", True), ("у меня не получится", True),
        ("не справлюсь", True), ("не потяну", True), ("это невозможно", True),
        ("нереально", True), ("слишком тяжело", True), ("я сдаюсь", True), ("сдаюсь", True),
        ("руки опускаются", True), ("без шансов", True), ("вряд ли смогу", True),
        ("я не думаю, что смогу", True), ("не уверена, что справлюсь", True),
        ("никогда не смогу", True), ("не вывезу", True),
        ("не так уж сложно", False), ("это не слишком сложно", False), ("я не сдаюсь", False),
        ("ничего невозможного", False), ("не могу дождаться", False), ("я смогу", False),
        ("легко", False), ("вовсе не невозможно", False), ("не могу поверить", False),
    ],
    "pt_BR": [
        ("não consigo", True), ("nao consigo", True), ("não vou conseguir", True),
        ("não dou conta", True), ("acho que não dá", True), ("é impossível", True),
        ("impossivel", True), ("muito difícil", True), ("difícil demais", True),
        ("desisto", True), ("vou desistir", True), ("tô desistindo", True),
        ("sem chance", True), ("nem pensar", True), ("não sei se consigo", True),
        ("nunca vou conseguir", True), ("é muito pra mim", True),
        ("não é impossível", False), ("nada é impossível", False), ("não vou desistir", False),
        ("não desisto", False), ("não é tão difícil", False), ("não é muito difícil", False),
        ("consigo sim", False), ("fiz", False), ("foi tranquilo", False),
    ],
    "de": [
        ("ich schaffe das nicht", True), ("ich schaff das nicht", True),
        ("schaff ich nie", True), ("das schaffe ich nicht", True), ("ich kann das nicht", True),
        ("ich kann nicht mehr", True), ("unmöglich", True), ("unmoglich", True),
        ("das ist zu schwer", True), ("viel zu viel", True), ("keine chance", True),
        ("ich gebe auf", True), ("ich will aufgeben", True),
        ("ich glaube nicht, dass ich das schaffe", True), ("das wird nix", True),
        ("ich pack das nicht", True), ("nicht machbar", True),
        ("es ist nicht zu schwer", False), ("nichts ist unmöglich", False),
        ("ich gebe nicht auf", False), ("nie aufgeben", False),
        ("ich kann es kaum erwarten", False), ("ich kann es nicht erwarten", False),
        ("ich schaffe das", False), ("gar nicht so schwer", False), ("nicht unmöglich", False),
    ],
})


@pytest.mark.parametrize(("locale", "text", "expected"), DOUBT)
def test_doubt(locale: str, text: str, expected: bool) -> None:
    assert expresses_doubt(text, words(locale)) is expected


ONBOARDED = OpenState(registered=True, onboarded=True)
REFLECTING = OpenState(registered=True, onboarded=True, topic=Topic.CHECKIN, step="reflection")


@pytest.mark.parametrize(("locale", "text"), [
    (locale, text) for locale, text, doubt in DOUBT if doubt
])
def test_doubt_in_words_is_routed_to_the_replay(locale: str, text: str) -> None:
    assert route(text, ONBOARDED, words(locale)).action is Action.DOUBT


@pytest.mark.parametrize(("locale", "text"), [
    ("es", "pensé que no podría, pero lo hice"), ("ru", "думала, не смогу, но справилась"),
    ("pt_BR", "achei que não ia dar, mas consegui: não consigo acreditar"),
    ("de", "dachte, ich schaffe das nicht, aber dann doch"),
])
def test_doubt_overcome_is_a_reflection(locale: str, text: str) -> None:
    assert route(text, REFLECTING, words(locale)).action is Action.ANSWER


# --------------------------------------------------------------------------- pause dates

PAUSES = _cases({
    "es": [
        ("hasta el lunes", date(2026, 12, 7)), ("el viernes", date(2026, 12, 4)),
        ("hasta el miércoles", date(2026, 12, 9)), ("hasta el miercoles", date(2026, 12, 9)),
        ("por una semana", date(2026, 12, 10)), ("una semana", date(2026, 12, 10)),
        ("3 días", date(2026, 12, 6)), ("por dos semanas", date(2026, 12, 17)),
        ("hasta el 10 de diciembre", date(2026, 12, 10)), ("hasta mañana", date(2026, 12, 4)),
        ("un mes", date(2027, 1, 2)), ("la semana que viene", date(2026, 12, 10)),
        ("hasta el 5 de enero", date(2027, 1, 5)),
    ],
    "ru": [
        ("до понедельника", date(2026, 12, 7)), ("до пятницы", date(2026, 12, 4)),
        ("до среды", date(2026, 12, 9)), ("в субботу", date(2026, 12, 5)),
        ("на неделю", date(2026, 12, 10)), ("на 3 дня", date(2026, 12, 6)),
        ("на две недели", date(2026, 12, 17)), ("на пару дней", date(2026, 12, 5)),
        ("до 10 декабря", date(2026, 12, 10)), ("до завтра", date(2026, 12, 4)),
        ("на месяц", date(2027, 1, 2)), ("до следующей недели", date(2026, 12, 10)),
        ("до 5 января", date(2027, 1, 5)),
    ],
    "pt_BR": [
        ("até segunda", date(2026, 12, 7)), ("até segunda-feira", date(2026, 12, 7)),
        ("até sexta", date(2026, 12, 4)), ("até a próxima quarta", date(2026, 12, 9)),
        ("por uma semana", date(2026, 12, 10)), ("3 dias", date(2026, 12, 6)),
        ("por duas semanas", date(2026, 12, 17)), ("até 10 de dezembro", date(2026, 12, 10)),
        ("até o dia 10 de dezembro", date(2026, 12, 10)), ("até amanhã", date(2026, 12, 4)),
        ("um mês", date(2027, 1, 2)), ("semana que vem", date(2026, 12, 10)),
        ("até 5 de janeiro", date(2027, 1, 5)),
    ],
    "de": [
        ("bis Montag", date(2026, 12, 7)), ("bis Freitag", date(2026, 12, 4)),
        ("bis nächsten Mittwoch", date(2026, 12, 9)), ("am Samstag", date(2026, 12, 5)),
        ("für eine Woche", date(2026, 12, 10)), ("eine Woche", date(2026, 12, 10)),
        ("3 Tage", date(2026, 12, 6)), ("zwei Wochen", date(2026, 12, 17)),
        ("bis 10. Dezember", date(2026, 12, 10)), ("bis zum 10. Dezember", date(2026, 12, 10)),
        ("bis morgen", date(2026, 12, 4)), ("einen Monat", date(2027, 1, 2)),
        ("nächste Woche", date(2026, 12, 10)), ("bis 5. Januar", date(2027, 1, 5)),
    ],
})


@pytest.mark.parametrize(("locale", "text", "expected"), PAUSES)
def test_pause_dates(locale: str, text: str, expected: date) -> None:
    assert parse_pause_until(text, TODAY, words(locale)) == expected

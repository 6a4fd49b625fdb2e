from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation.trans_real import language_code_re, parse_accept_lang_header

API_PREFIX = "/api/"


def accepted_language(header: str) -> str:
    """The first supported language of an Accept-Language header, else the default.

    As Django reads the header (without its cookie first), except that `q=0` refuses a
    language: `en-GB,en;q=0.8` gives English; `de`, `*`, `en;q=0`, an empty or a
    malformed header give French.
    """
    for code, quality in parse_accept_lang_header(header):
        if code == "*":
            break
        if quality <= 0 or not language_code_re.search(code):
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """Pages: French for everyone unless they chose English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would
    show English to most visitors from abroad and to every headless browser; the
    network's public is French, so the explicit choice (cookie) is the only signal.

    The API (paths under /api/) follows the request's Accept-Language instead: a
    program sends no language cookie, and its answer then depends on its headers
    only (LocaleMiddleware adds `Vary: Accept-Language`). French when the header is
    absent or names no supported language. See docs/translations.md.
    """

    def process_request(self, request):
        if request.path_info.startswith(API_PREFIX):
            language = accepted_language(request.headers.get("Accept-Language", ""))
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

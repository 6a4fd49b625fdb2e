from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """French for everyone unless they chose English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would
    show English to most visitors from abroad and to every headless browser; the
    network's public is French, so the explicit choice (cookie) is the only signal.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

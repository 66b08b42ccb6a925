"""Request middleware of phaodai's own."""

from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are in Vietnamese unless the user chose English with the language switch (its cookie).

    The browser's language is ignored for pages: many phones in Vietnam run in English, and an official on one
    must still get the Vietnamese interface. API clients keep Accept-Language, which is how they ask for English.
    """

    def process_request(self, request: HttpRequest) -> None:
        if not request.path_info.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)

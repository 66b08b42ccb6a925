from django.http import HttpRequest

from phaodai.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {"nav_items": menu_for(user) if user is not None and user.is_authenticated else []}

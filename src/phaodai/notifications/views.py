"""The delivery state of notifications: a system administrator sees every message, anyone else their own."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count
from django.views.generic import ListView

from phaodai.core.permissions import LOGGED_IN, ScopedListMixin
from phaodai.notifications.models import Message, MessageState

PAGE_SIZE = 50


class MessageListView(ScopedListMixin, ListView):
    permission = LOGGED_IN
    model = Message
    template_name = "notifications/message_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        qs = super().get_queryset().select_related("recipient_user", "recipient_staff")
        state = self.request.GET.get("state", "")
        if state in MessageState.values:
            qs = qs.filter(state=state)
        return qs

    def paginate_queryset(self, queryset, page_size):
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        by_state = dict(
            Message.objects.visible_to(self.request.user)
            .values_list("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
        ctx["states"] = [(s.value, s.label, by_state.get(s.value, 0)) for s in MessageState]
        ctx["state"] = self.request.GET.get("state", "")
        return ctx

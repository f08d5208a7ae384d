"""The approval kind of this app: the one extension of a petition's reply deadline (R-PET-3),
approved by a principal leader (never the requester)."""

from django.utils.translation import gettext_lazy as _

from township.approvals import ApprovalKind, register_kind

from .models import ExtensionStatus


def _on(status):
    def handler(target, approver, request):
        from .services import _extension_decided

        _extension_decided(target, approver, request, status)

    return handler


def _route(target, requester):
    from .services import extension_route

    return extension_route(target, requester)


EXTENSION = register_kind(
    ApprovalKind(
        code="petition_extension",
        label=_("Petition deadline extension"),
        route=_route,
        on_approved=_on(ExtensionStatus.APPROVED),
        on_rejected=_on(ExtensionStatus.REJECTED),
        on_returned=_on(ExtensionStatus.REJECTED),
        on_cancelled=_on(ExtensionStatus.REJECTED),
    )
)

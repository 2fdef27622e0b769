"""What the data standards leave waiting for a person: drafts their bureau has still to publish
(see core.workbench). Publishing is the steward's one step; there is no review before it."""

from django.utils.translation import gettext_lazy

from cdohub.core.permissions import restrict
from cdohub.core.workbench import Answer, Kind, answer, contribute, holds_any, item

from .choices import StandardStatus
from .models import CodeSet, DataElement
from .policies import STEWARDS


@contribute(
    "standards.drafts",
    gettext_lazy("Data standards in draft, to publish"),
    Kind.DRAFT,
    empty=gettext_lazy("Your data bureau has no data element or code set in draft."),
    url="standards:element_list",
)
def drafts_to_publish(user, limit: int) -> Answer:
    if not holds_any(user, STEWARDS):
        return Answer(0)
    found = [
        answer(
            restrict(user, "change", model.objects.filter(status=StandardStatus.DRAFT))
            .select_related("owner")
            .order_by("-updated_at", "pk"),
            limit,
            lambda s: item(s, state=s.get_status_display(), detail=s.owner.name),
        )
        for model in (DataElement, CodeSet)
    ]
    return Answer(sum(a.count for a in found), [i for a in found for i in a.items][:limit])

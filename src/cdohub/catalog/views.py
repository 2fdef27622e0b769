from django.http import HttpResponse
from django.views.decorators.http import require_POST


@require_POST
def resources_from_tables(request):  # placeholder until the catalog lands
    return HttpResponse(status=501)

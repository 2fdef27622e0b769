from django.db import connection
from django.test.utils import CaptureQueriesContext

from cdohub.core import workbench


def test_print(users, client_for):
    for name in sorted(users):
        with CaptureQueriesContext(connection) as ctx:
            sections = workbench.gather(users[name])
        print(name, len(ctx.captured_queries), {s.contribution.key: s.count for s in sections if s.count})
        for s in sections:
            for i in s.items[:2]:
                print("   ", s.contribution.key, i.title, i.state, i.deadline, i.days_left, i.url)
    r = client_for("maoming_cdo").get("/")
    assert r.status_code == 200, r.content[:3000]

"""Who reads the audit log: auditors, and the administrators of a unit, each for the entries of the
units their role covers (a grant covers its unit's subtree). Entries bound to no unit (loading the
region list, the first account) are read by the superuser only. Everyone else reads an object's own
history on its page, through that object's own policy (see `services.history_of`)."""

from cdohub.core.models import AuditEntry
from cdohub.core.permissions import register
from cdohub.org.choices import Role

READERS = frozenset({Role.AUDITOR, Role.SYSADMIN, Role.BUREAU_ADMIN})

register(AuditEntry, "unit__path", view=READERS, verify=READERS, export=READERS)

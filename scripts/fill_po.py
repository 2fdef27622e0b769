"""Fill untranslated zh_Hans messages from a dict module: python scripts/fill_po.py /tmp/zh.py"""

import importlib.util
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "src/cdohub/locale/zh_Hans/LC_MESSAGES/django.po"

spec = importlib.util.spec_from_file_location("zh", sys.argv[1])
zh = importlib.util.module_from_spec(spec)
spec.loader.exec_module(zh)
po = polib.pofile(str(PO))
missing = []
for entry in po:
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = None
        entry.msgstr = ""
        entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
    if entry.msgid_plural:
        if not entry.msgstr_plural.get(0):
            if entry.msgid in zh.PLURAL:
                entry.msgstr_plural = dict(enumerate(zh.PLURAL[entry.msgid]))
            else:
                missing.append(entry.msgid)
    elif not entry.msgstr:
        if entry.msgid in zh.ZH:
            entry.msgstr = zh.ZH[entry.msgid]
        else:
            missing.append(entry.msgid)
po.save(str(PO))
po.save_as_mofile(str(PO.with_suffix(".mo")))
print(f"{len(missing)} still untranslated")
for m in missing:
    print(repr(m))

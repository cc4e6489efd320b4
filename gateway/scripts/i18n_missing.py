"""The msgids of a catalogue still without English (empty or fuzzy), for ``make i18n``."""

import sys

from babel.messages.pofile import read_po

with open(sys.argv[1], "rb") as po:
    catalogue = read_po(po)
missing = [m.id for m in catalogue if m.id and (not m.string or m.fuzzy)]
for msgid in missing:
    print(f"  to translate: {msgid!r}")
print(
    f"{len(missing)} message(s) to translate in {sys.argv[1]}" if missing else "catalogue complete"
)

#!/usr/bin/env bash
# Settings are declared once (ui/support/Settings): no other file of ui/ or app/ touches
# QSettings, so no key literal or default can be repeated at a read site. Label unit.
set -euo pipefail
source_dir=$1
found=$(grep -rn --include='*.cpp' --include='*.h' -E 'QSettings' "$source_dir/ui" "$source_dir/app" |
        grep -v "^$source_dir/ui/support/Settings\.\(h\|cpp\):" || true)
if [ -n "$found" ]; then
  echo "FAIL: settings read or written outside ui/support/Settings:"
  echo "$found"
  exit 1
fi
echo "PASS: every setting goes through ui/support/Settings"

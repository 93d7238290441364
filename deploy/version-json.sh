#!/bin/sh
# version-json.sh SOURCE VERSION COMMIT BUILD
#
# Prints Mozilla Dockerflow's version.json for a build:
#   {"source":"...","version":"...","commit":"...","build":"..."}
# The Dockerfile runs it with its build arguments; /__version__ serves the result.
#
# Values are written as JSON strings without an escaping step, so any value
# that would need one (a quote, a backslash, a control or non-ASCII byte) is
# refused with an error instead of producing broken JSON.
set -eu

if [ "$#" -ne 4 ]; then
	echo "usage: version-json.sh SOURCE VERSION COMMIT BUILD" >&2
	exit 2
fi

check() { # check NAME VALUE
	case "$2" in
	*'"'* | *'\'*)
		echo "version-json.sh: $1 must not hold a quote or a backslash" >&2
		exit 1
		;;
	esac
	# What is left after deleting the printable characters must be nothing;
	# the "." keeps $(...) from dropping a trailing newline.
	if [ "$(printf '%s' "$2" | LC_ALL=C tr -d ' -~'; echo .)" != . ]; then
		echo "version-json.sh: $1 must be printable ASCII" >&2
		exit 1
	fi
}

check source "$1"
check version "$2"
check commit "$3"
check build "$4"
printf '{"source":"%s","version":"%s","commit":"%s","build":"%s"}\n' "$1" "$2" "$3" "$4"

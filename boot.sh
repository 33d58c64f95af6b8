#! /bin/sh
# Bootstrap a git checkout: generate configure and Makefile.in.
set -e
cd "$(dirname "$0")"
autoreconf --install --force

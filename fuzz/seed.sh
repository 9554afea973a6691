#!/usr/bin/env bash
# Seeds the fuzz corpora from the byte vectors copied into crates/mqtt-core/tests/vectors.
#
#   bash fuzz/seed.sh [VECTORS_DIR]      # default: the repository's crates/mqtt-core/tests/vectors
#
# Idempotent: files are named after their content (seed-<sha1>), so running it again adds nothing new.
# Writes into fuzz/corpus/<target>/ (git-ignored). The targets also work without seeds; seeds only get
# libFuzzer to every packet type in the first seconds. Needs python3.
#
# For each vector (hex) of each version it writes, for stream_decoder:
#   [control] + packet   with control = version bit | chunking mode, in two chunkings (byte by byte, and
#                        pushes of 7 bytes),
# plus per version one stream of all the decodable vectors back to back (chunks of 13 bytes), and for
# decode_traced: [version byte] + packet. See the input layout at the top of each fuzz target.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vectors="${1:-$here/../crates/mqtt-core/tests/vectors}"
if ! ls "$vectors"/*.json >/dev/null 2>&1; then
    echo "seed.sh: no vectors in $vectors (pass the directory as the first argument)" >&2
    exit 1
fi
python3 - "$vectors" "$here/corpus" <<'PY'
import hashlib, json, pathlib, sys

vectors, corpus = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
written = 0

def put(target, data):
    global written
    directory = corpus / target
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / ("seed-" + hashlib.sha1(data).hexdigest())
    if not path.exists():
        path.write_bytes(data)
        written += 1

for file in sorted(vectors.glob("*.json")):
    streams = {}
    for case in json.loads(file.read_text()):
        if "hex" not in case:
            continue
        packet = bytes.fromhex(case["hex"])
        v5 = 1 if case.get("version") == 5 else 0
        put("stream_decoder", bytes([v5 | (0 << 1)]) + packet)             # one byte per push
        put("stream_decoder", bytes([v5 | (1 << 1) | (6 << 3)]) + packet)  # pushes of 7 bytes
        put("decode_traced", bytes([v5]) + packet)
        if case.get("kind") in ("parse_generate", "parse_only"):
            streams.setdefault(v5, bytearray()).extend(packet)
    for v5, stream in streams.items():
        put("stream_decoder", bytes([v5 | (1 << 1) | (12 << 3)]) + bytes(stream))
print(f"seed.sh: {written} new seed file(s) under {corpus}")
PY

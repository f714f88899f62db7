#!/usr/bin/env bash
# Regenerates the TypeScript types of proto/ into src/protocol/generated (committed; run after editing a .proto).
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/protocol/generated
rm -rf "$out"
npx proto-loader-gen-types --longs=Number --enums=String --defaults --oneofs --grpcLib=@grpc/grpc-js \
  --includeDirs=proto --outDir="$out" $(cd proto && ls sluice/v1/*.proto)
# NodeNext resolution wants explicit .js extensions on relative imports.
find "$out" -name '*.ts' -exec sed -i -E "s#(from '\.{1,2}/[^']*)';#\1.js';#" {} +

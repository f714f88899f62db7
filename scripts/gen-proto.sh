#!/usr/bin/env bash
# Regenerates the TypeScript types of proto/ into src/protocol/generated (committed; run after editing a .proto).
# Generated into a scratch directory first: a failing generator leaves the committed types alone.
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/protocol/generated
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
node node_modules/@grpc/proto-loader/build/bin/proto-loader-gen-types.js --longs=Number --enums=String --defaults --oneofs --grpcLib=@grpc/grpc-js \
  --includeDirs=proto --outDir="$scratch" $(cd proto && ls sluice/v1/*.proto)
# NodeNext resolution wants explicit .js extensions on relative imports.
find "$scratch" -name '*.ts' -exec sed -i -E "s#(from '\.{1,2}/[^']*)';#\1.js';#" {} +
rm -rf "$out"
chmod 755 "$scratch"
mv "$scratch" "$out"
trap - EXIT

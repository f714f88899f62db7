#!/usr/bin/env bash
# Writes a private CA and the certificates of a local Sluice cluster with openssl (docs/SECURITY.md,
# "Listeners and TLS"):
#
#   scripts/tls-certs.sh [DIR]      DIR defaults to cluster/tls (git-ignored)
#
#   ca.pem, ca.key                  the CA every broker and client trusts
#   broker-N.pem, broker-N.key      CN broker-N, SAN IP:127.0.0.1 and DNS:localhost (N in BROKERS, default "1 2 3")
#   admin.pem, admin.key            client certificate, CN admin (the superuser of the secure cluster)
#   admin.properties                client config (librdkafka keys, also for kcat -F): SSL with the admin certificate
#
# Files that exist are kept (an existing CA signs the missing certificates); delete DIR to start
# over. Keys are EC P-256, certificates valid for DAYS (default 825) days.
set -euo pipefail

DIR="${1:-cluster/tls}"
BROKERS="${BROKERS:-1 2 3}"
DAYS="${DAYS:-825}"
command -v openssl >/dev/null || { echo "tls-certs: openssl is required (apt-get install -y openssl)" >&2; exit 1; }
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
umask 077

say() { printf 'tls-certs: %s\n' "$*"; }

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

if [[ ! -f "$DIR/ca.pem" || ! -f "$DIR/ca.key" ]]; then
  new_key "$DIR/ca.key"
  openssl req -x509 -new -key "$DIR/ca.key" -sha256 -days "$DAYS" -subj "/CN=sluice-local-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$DIR/ca.pem"
  say "CA: $DIR/ca.pem"
fi

# issue NAME CN EXTENSIONS: NAME.key and NAME.pem signed by the CA, unless both exist.
issue() {
  local name=$1 cn=$2 extensions=$3
  [[ -f "$DIR/$name.pem" && -f "$DIR/$name.key" ]] && return 0
  new_key "$DIR/$name.key"
  openssl req -new -key "$DIR/$name.key" -subj "/CN=$cn" -out "$DIR/$name.csr"
  openssl x509 -req -in "$DIR/$name.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" -CAcreateserial -sha256 -days "$DAYS" \
    -extfile <(printf '%s\n' "$extensions") -out "$DIR/$name.pem" 2>/dev/null
  rm -f "$DIR/$name.csr"
  say "$cn: $DIR/$name.pem"
}

for n in $BROKERS; do
  # A broker is a server (its listeners) and a client (it dials its peers with this certificate).
  issue "broker-$n" "broker-$n" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=IP:127.0.0.1,DNS:localhost"
done
issue admin admin "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"

if [[ ! -f "$DIR/admin.properties" ]]; then
  cat >"$DIR/admin.properties" <<PROPS
# Client config of the superuser "admin" (mutual TLS), for sluice --client-config and kcat -F.
security.protocol=SSL
ssl.ca.location=$DIR/ca.pem
ssl.certificate.location=$DIR/admin.pem
ssl.key.location=$DIR/admin.key
PROPS
  say "client config: $DIR/admin.properties"
fi

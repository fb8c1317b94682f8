#!/usr/bin/env bash
# Creates outcry's topics on a real Kafka, idempotently (--if-not-exists).
# Run by docker-compose's one-shot `topics` service inside the apache/kafka
# image; works anywhere kafka-topics.sh is on PATH or in /opt/kafka/bin.
#
# Environment (all optional):
#   KAFKA_BOOTSTRAP      bootstrap servers              (kafka:9092)
#   OUTCRY_TOPIC_PREFIX  topic prefix                   (outcry.)
#   OUTCRY_PARTITIONS    partitions per topic           (6)
#   OUTCRY_REPLICATION   replication factor             (1)
#   OUTCRY_TEAMS         teams, comma-separated         (billing,...,care)
#   OUTCRY_WAIT_S        how long to wait for Kafka     (120)
#   KAFKA_COMMAND_CONFIG a client properties file (SASL/TLS), passed to
#                        kafka-topics.sh --command-config
set -euo pipefail

BOOT=${KAFKA_BOOTSTRAP:-kafka:9092}
PREFIX=${OUTCRY_TOPIC_PREFIX-outcry.}
PARTS=${OUTCRY_PARTITIONS:-6}
RF=${OUTCRY_REPLICATION:-1}
TEAMS=${OUTCRY_TEAMS-billing,delivery,product,technical,account,service,safety,privacy,care}
WAIT_S=${OUTCRY_WAIT_S:-120}

KT=$(command -v kafka-topics.sh || echo /opt/kafka/bin/kafka-topics.sh)
[ -x "$KT" ] || { echo "create-topics: kafka-topics.sh not found (PATH or /opt/kafka/bin)" >&2; exit 1; }
EXTRA=()
[ -n "${KAFKA_COMMAND_CONFIG:-}" ] && EXTRA=(--command-config "$KAFKA_COMMAND_CONFIG")

echo "create-topics: waiting for Kafka at $BOOT (up to ${WAIT_S}s)"
deadline=$((SECONDS + WAIT_S))
until "$KT" --bootstrap-server "$BOOT" "${EXTRA[@]}" --list >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "create-topics: Kafka at $BOOT did not answer within ${WAIT_S}s; check that it runs and that the address is right" >&2
    exit 1
  fi
  sleep 2
done

topics=("${PREFIX}posts" "${PREFIX}classified" "${PREFIX}routed" "${PREFIX}dlq")
IFS=',' read -r -a teams <<<"$TEAMS"
for t in "${teams[@]}"; do
  [ -n "$t" ] && topics+=("${PREFIX}team.$t")
done

for topic in "${topics[@]}"; do
  "$KT" --bootstrap-server "$BOOT" "${EXTRA[@]}" --create --if-not-exists \
    --topic "$topic" --partitions "$PARTS" --replication-factor "$RF"
done
echo "create-topics: ${#topics[@]} topics present with prefix '$PREFIX'"
"$KT" --bootstrap-server "$BOOT" "${EXTRA[@]}" --describe --topic "${PREFIX}posts" | head -n 1

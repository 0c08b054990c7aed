#!/bin/sh
# HTTP/3 healthcheck: exit 0 when GET <url> over QUIC answers 2xx, else say why.
#
#     http3-healthcheck.sh https://localhost:8444/healthz
#
# curl --http3-only (Debian's, on OpenSSL's QUIC), verified against the lab's CA: about 13 ms
# of CPU a check, less than the TCP one's Python start. It runs after the TCP check (compose.yaml),
# so a server whose TCP side serves while its HTTP/3 is dead (Hypercorn's UDP loop ends on one
# late DATA frame: docs/hardening.md) turns unhealthy.
#
# Docker marks a container unhealthy, but restarts it only when its process ends. So the second
# failure in a row, of an HTTP/3 that has answered since the container started, ends the server
# (SIGTERM to pid 1) and the restart policy (unless-stopped) starts it again. An HTTP/3 that never
# answered is left as it is: a restart would not mend a configuration.
url=$1
state=/tmp/http3-healthcheck  # tmpfs: starts empty with the container
# Two checks of two tries of 2 s: about 13 s without an HTTP/3 answer (two checks' 4 s and the
# 5 s between them), over twice the longest a flood of Initials has kept one waiting (5 s,
# docs/hardening.md); an answer here takes milliseconds.
failures_in_a_row=2

# Two tries: about one curl HTTP/3 request in 20 to nginx is never answered (measured; nginx logs
# a 408 after client_header_timeout, aioquic's clients never see it), which is curl's, not the
# server's, so one lost try is not a failure.
for try in 1 2; do
  if curl --fail --silent --show-error --http3-only --max-time 2 --output /dev/null \
      --cacert /run/certs/ca.crt "$url"; then
    echo 0 > "$state.failures" && touch "$state.answered"
    exit 0
  fi
done
failures=$(( $(cat "$state.failures" 2>/dev/null || echo 0) + 1 ))
echo "$failures" > "$state.failures"
echo "$url: HTTP/3 failed, $failures check(s) in a row" >&2
if [ "$failures" -ge "$failures_in_a_row" ] && [ -e "$state.answered" ]; then
  echo "ending the server (pid 1) for its restart policy to start it again" >&2
  kill -TERM 1
fi
exit 1

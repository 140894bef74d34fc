# Sourced before every check script on the checker. A check passes with exit 0; its first output
# line is the message people see. Keep scripts short: retry, compare, say what was seen.

# fl_pass MESSAGE / fl_fail MESSAGE: print the verdict line and end the check.
fl_pass() { printf '%s\n' "$*"; exit 0; }
fl_fail() { printf '%s\n' "$*"; exit 1; }

# fl_retry TRIES DELAY COMMAND...: run COMMAND until it succeeds, at most TRIES times.
fl_retry() {
  local tries=$1 delay=$2 i
  shift 2
  for ((i = 1; i <= tries; i++)); do
    "$@" && return 0
    ((i < tries)) && sleep "$delay"
  done
  return 1
}

# fl_state HOST PATH: where the engine's copy of HOST's file PATH is (declared under `reads`).
# The file is absent when HOST has no regular file there.
fl_state() { printf '%s/%s%s' "$FL_STATE" "$1" "$2"; }

# fl_processes HOST: HOST's process list as the engine reports it ("PID USER COMMAND" lines).
fl_processes() { cat "$FL_STATE/$1/processes"; }

PROOF_KEY=/etc/faultline/proof.key

# fl_app URL [CURL ARGS...]: GET URL with a fresh challenge and print the body. Succeeds only when
# the lab app itself answered: its reply carries the challenge signed with this environment's key,
# which a static response, a cached page or another server cannot give.
fl_app() {
  local url=$1 challenge headers status line proof="" want
  shift
  printf -v challenge '%08x%08x%08x%08x' "$SRANDOM" "$SRANDOM" "$SRANDOM" "$SRANDOM"
  headers=/tmp/fl-app-headers.$BASHPID.$RANDOM
  curl -q -sS --max-time 5 -D "$headers" -H "X-Faultline-Challenge: $challenge" "$@" "$url" 2>&1
  status=$?
  if [ -f "$headers" ]; then
    while IFS= read -r line; do
      line=${line%$'\r'}
      # Each hop of a redirect starts a new header block: only the last answer's proof counts.
      [[ $line == HTTP/* ]] && proof=""
      [[ ${line,,} == x-faultline-proof:* ]] && proof=${line#*: }
    done <"$headers"
    rm -f "$headers"
  fi
  [ "$status" -eq 0 ] && [ -n "$proof" ] || return 1
  want=$(printf '%s' "$challenge" | openssl dgst -sha256 -hmac "$(<"$PROOF_KEY")" -r)
  [ "$proof" = "${want%% *}" ]
}

# State copies of earlier rounds of this check (the runtime puts each round's in a fresh folder).
if [ -n "${FL_STATE:-}" ]; then
  find "${FL_STATE%/*}" -mindepth 1 -maxdepth 1 -mmin +2 -exec rm -rf -- {} + 2>/dev/null
fi

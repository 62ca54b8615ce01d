#!/bin/bash
# demo_web_smoke.sh - the fixture server itself behaves (see tests/demo-web/smoke.sh).
exec "$(dirname "$0")/../demo-web/smoke.sh" "${1:-bin}/demo-web"

#!/bin/sh
# Every revoked ATT&CK object of the bundles: `ctix kb show ID` names the
# object its revoked-by chain ends at, so old ids in articles map to
# current ones.
. "$(dirname "$0")/lib.sh"
need_shared
$CHECK revoked-ids "$SHARED/data" >ids.txt || fail "cannot list the revoked ids"
# shellcheck disable=SC2046
run kb show --json $(cat ids.txt)
expect_rc 0 "kb show of every revoked id"
$CHECK revoked "$SHARED/data" out.txt || fail "revoked ids resolve wrongly"
finish

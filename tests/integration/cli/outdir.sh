# The -o layout: DIR/report.json for one input; DIR/NAME/report.json for
# several, names made safe and unique; parents created; an output folder
# that cannot be made gives exit status 3.
. "$(dirname "$0")/lib.sh"

mkdir -p a b
printf 'Alpha one.\n' >a/x.md
printf 'Beta two.\n' >b/x.md
mkdir -p c && printf 'Kappa five.\n' >c/x.md
printf 'Gamma three.\n' >x.txt
printf 'Delta four.\n' >'we ird%name.txt'

run analyze -o one a/x.md
expect_rc 0 "one input"
[ -f one/report.json ] || fail "one input: one/report.json missing ($(ls -R one))"
# Every format by default: the files of the table, and the sigma/ folder.
for f in report.json bundle.stix.json layer.json misp-event.json iocs.csv report.html report.md \
         response.md; do
  [ -f "one/$f" ] || fail "one input: one/$f missing ($(ls one))"
done
[ -d one/sigma ] || fail "one input: one/sigma/ missing"
[ -z "$(find one -maxdepth 1 -type f ! -name report.json ! -name bundle.stix.json ! -name layer.json \
  ! -name misp-event.json ! -name iocs.csv ! -name report.html ! -name report.md ! -name response.md)" ] ||
  fail "one input: unexpected files: $(ls one)"
run analyze -o only --format json a/x.md
expect_rc 0 "--format json"
[ "$(find only -type f | wc -l | tr -d ' ')" -eq 1 ] || fail "--format json: extra files: $(find only)"
check_report one/report.json --source a/x.md --id a/x.md

run analyze -o deep/er/several a/x.md b/x.md c/x.md x.txt 'we ird%name.txt'
expect_rc 0 "several inputs"
for d in x x-md x-2 x-txt we_ird_name; do
  [ -f "deep/er/several/$d/report.json" ] || fail "several: $d/report.json missing: $(ls deep/er/several)"
done
check_report deep/er/several/x/report.json --source a/x.md --sentence "Alpha one."
check_report deep/er/several/x-md/report.json --source b/x.md --sentence "Beta two."
check_report deep/er/several/x-2/report.json --source c/x.md
check_report deep/er/several/x-txt/report.json --source x.txt
expect_grep "wrote" out.txt "summary lists the files"
expect_grep "deep/er/several/x-md/report.json" out.txt "summary names the report"
[ -z "$(find deep -name '*.tmp-*')" ] || fail "temporary files left: $(find deep -name '*.tmp-*')"

# Re-running into the same folder replaces the reports.
run analyze -o one b/x.md
expect_rc 0 "second run into the same folder"
check_report one/report.json --source b/x.md

# --tlp and --producer reach the STIX bundle, the MISP event and the Sigma rules.
run analyze -o marked --tlp AMBER --producer "ACME CTI" a/x.md
expect_rc 0 "--tlp amber"
grep -q '"TLP:AMBER"' marked/bundle.stix.json || fail "--tlp: no TLP:AMBER marking in the bundle"
grep -q '"ACME CTI"' marked/bundle.stix.json || fail "--producer: no ACME CTI identity in the bundle"
grep -q 'tlp:amber' marked/misp-event.json || fail "--tlp: no tlp:amber tag in the MISP event"
run analyze -o marked --tlp purple a/x.md
expect_rc 2 "--tlp purple"

# --sigma-rules: a matching rule of a collection is copied into sigma/ with its id.
mkdir -p coll
cat >coll/t1566.yml <<'RULE'
title: Test rule for a collection
id: 6a1f0c9e-8f0b-4c49-9d43-5b9b0f6f1e01
status: test
tags:
    - attack.initial-access
    - attack.t1566.001
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\winword.exe'
    condition: selection
level: medium
RULE
printf 'The attackers sent spearphishing e-mails with a malicious Word attachment (T1566.001).\n' >phish.txt
run analyze -o coll-out --format sigma --sigma-rules coll phish.txt
expect_rc 0 "--sigma-rules"
grep -rq "6a1f0c9e-8f0b-4c49-9d43-5b9b0f6f1e01" coll-out/sigma || fail "--sigma-rules: the matching rule was not copied: $(ls coll-out/sigma)"

# The collection is read once for all inputs: every document gets the rule.
cp phish.txt phish2.txt
run analyze -o coll-two --format sigma --sigma-rules coll phish.txt phish2.txt
expect_rc 0 "--sigma-rules, two inputs"
for d in phish phish2; do
  grep -rq "6a1f0c9e-8f0b-4c49-9d43-5b9b0f6f1e01" "coll-two/$d/sigma" ||
    fail "--sigma-rules, two inputs: the rule was not copied for $d: $(ls -R coll-two)"
done
# A file of the collection that looks like an ATT&CK-tagged rule but does not
# parse is skipped, and said once.
mkdir -p coll-bad && cp coll/t1566.yml coll-bad/ && printf 'tags: [attack.t1566\n' >coll-bad/broken.yml
run analyze -o coll-bad-out --format sigma --sigma-rules coll-bad phish.txt
expect_rc 0 "--sigma-rules with a broken file"
expect_grep "1 file skipped" err.txt "--sigma-rules with a broken file: the skipped file is reported"
grep -rq "6a1f0c9e-8f0b-4c49-9d43-5b9b0f6f1e01" coll-bad-out/sigma || fail "--sigma-rules with a broken file: the good rule was not copied"
# A missing collection folder is a usage error on one line, before any input is read.
run analyze -o coll-none --sigma-rules no-such-coll phish.txt
expect_rc 2 "--sigma-rules missing folder"
expect_grep "no-such-coll" err.txt "--sigma-rules missing folder: message names the folder"
[ "$(wc -l <err.txt | tr -d ' ')" -eq 1 ] || fail "--sigma-rules missing folder: not one line: $(cat err.txt)"
[ ! -e coll-none ] || fail "--sigma-rules missing folder: an input was processed: $(ls -R coll-none)"
run analyze -o coll-none --sigma-rules phish.txt phish.txt
expect_rc 2 "--sigma-rules given a file"
expect_grep "not a directory" err.txt "--sigma-rules given a file: message"

# An output folder that is a file: status 3, nothing analysed.
: >plainfile
run analyze -o plainfile a/x.md
expect_rc 3 "output folder is a file"
expect_grep "plainfile" err.txt "output failure names the folder"
run analyze -o plainfile/sub a/x.md
expect_rc 3 "output folder under a file"
finish

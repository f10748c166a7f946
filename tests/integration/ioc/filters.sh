# `ctix refang` and `ctix defang` as filters: known refangs, the round trip
# refang(defang(x)) == x on plain text (small, and several megabytes so the
# streaming cut at line ends is exercised), file and standard input alike,
# and errors.
. "$(dirname "$0")/lib.sh"

printf '%s\n' 'Beacon hxxps://evil-cdn[.]example[.]com/x.js via 198.51.100[.]7 and mail[@]bad-host[.]top.' >defanged.txt
run_in defanged.txt refang
expect_rc 0 "refang stdin"
printf '%s\n' 'Beacon https://evil-cdn.example.com/x.js via 198.51.100.7 and mail@bad-host.top.' >want.txt
cmp -s out.txt want.txt || fail "refang: got '$(cat out.txt)', want '$(cat want.txt)'"
run refang defanged.txt
cmp -s out.txt want.txt || fail "refang FILE differs from refang < FILE"

# Defang makes the observables inert and refang undoes it exactly.
cat >plain.txt <<'TXT'
The loader fetched http://update-check.example.net/payload.bin and later
https://cdn.relay-42.top:8443/a/b?c=d from 203.0.113.9 and 45.77.12.9.
Replies went to ops@relay-42.top; nothing else changed in this line.
No trailing newline after this one
TXT
printf '%s' "$(cat plain.txt)" >plain-nonl.txt
for f in plain.txt plain-nonl.txt; do
  run defang "$f"
  expect_rc 0 "defang $f"
  cp out.txt "$f.def"
  expect_no_grep "http://update-check" "$f.def" "defang left a live URL"
  expect_no_grep "ops@relay-42.top" "$f.def" "defang left a live e-mail"
  expect_no_grep "45.77.12.9" "$f.def" "defang left a live IP"
  expect_grep "nothing else changed in this line." "$f.def" "defang kept the prose"
  run refang "$f.def"
  cmp -s out.txt "$f" || fail "refang(defang($f)) differs: $(diff "$f" out.txt | head -n 6)"
done

# Several megabytes, read in blocks: same round trip, same line count.
python3 - >big.txt <<'PY'
import random
r = random.Random(7)
words = "the actor used a loader to reach its server and copied files".split()
for i in range(60000):
    w = " ".join(r.choice(words) for _ in range(r.randint(3, 12)))
    k = i % 5
    if k == 0:
        w += f" http://host{i}.relay-{i % 97}.top/p/{i}.bin"
    elif k == 1:
        w += f" 45.{i % 250}.{(i // 250) % 250}.{i % 7 + 1}"
    elif k == 2:
        w += f" user{i}@mail-{i % 13}.example.org"
    print(w)
PY
run defang big.txt
expect_rc 0 "defang big"
cp out.txt big.def
[ "$(wc -l <big.def)" -eq "$(wc -l <big.txt)" ] || fail "defang big: line count changed"
run_in big.def refang -
expect_rc 0 "refang big"
cmp -s out.txt big.txt || fail "refang(defang(big)) differs from big"

# Empty input, errors.
printf '' >empty.txt
run refang empty.txt
expect_rc 0 "refang empty"
[ ! -s out.txt ] || fail "refang of empty input printed something"
run refang "$WORK/missing.txt"
expect_rc 1 "refang missing file"
expect_one_line "refang missing file"
expect_grep "missing.txt" err.txt "missing file named"
run defang a.txt b.txt
expect_rc 2 "defang two inputs"
run refang --nosuch
expect_rc 2 "refang unknown option"
finish

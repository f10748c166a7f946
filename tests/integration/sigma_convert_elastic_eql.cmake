# Elastic EQL and ES|QL targets with the ecs_windows pipeline
# (docs/sigma-convert.md): queries must be identical to pySigma's
# elasticsearch backends, or differ in quoting only, and every rule pySigma
# converts must convert. eql__ecs_windows: 2442 identical + 159 that differ
# only by the backticks EQL needs around field names such as cs-uri-query
# (pySigma writes them bare) or by regular expressions escaped for the
# string (pySigma's `"a\.b"` is rejected by the EQL lexer) = 2601 / 2635
# (98.7 %); the rest are 24 queries with a literal '*' / '?', which ctix
# writes as an anchored regex~ (EQL has no escape for them; pySigma's `\*`
# is not a string escape) and 10 regular expressions with a bare '"'.
# esql__ecs_windows: 1891 identical + 667 whose LIKE patterns ctix escapes
# for LIKE as well as for the string (`*\\\\dir\\\\*`; pySigma's
# `*\\dir\\*` is rejected: "escape character is not followed by special
# wildcard char") = 2558 / 2559 (the last: ctix groups an expansion under
# NOT). Reads ../shared (label shared-data, skips with 77 without it).
ctix_sigma_reference_test(eql__ecs_windows 98.5 quoting)
ctix_sigma_reference_test(esql__ecs_windows 99.9 quoting)

# Elastic EQL and ES|QL targets with the ecs_windows pipeline
# (docs/sigma-convert.md): queries must be identical to pySigma's
# elasticsearch backends on eql__ecs_windows (measured 2529 / 2635, and 96
# more that differ only by the backticks EQL needs around field names such
# as cs-uri-query, which pySigma writes bare: 2625; the rest are regular
# expressions with a bare '"', which ctix escapes) and esql__ecs_windows
# (2558 / 2559: ctix groups an expansion under NOT), and every rule pySigma
# converts must convert. Reads ../shared (label shared-data, skips with 77
# without it).
ctix_sigma_reference_test(eql__ecs_windows 99.5 quoting)
ctix_sigma_reference_test(esql__ecs_windows 99.9)

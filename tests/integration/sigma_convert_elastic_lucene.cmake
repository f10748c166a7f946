# Elastic Lucene target with the ecs_windows pipeline (docs/sigma-convert.md):
# the Kibana query strings must be identical to pySigma's elasticsearch backend
# on lucene__ecs_windows (measured 2635 / 2635), every rule pySigma converts
# must convert. Reads ../shared (label shared-data, skips with 77 without it).
ctix_sigma_reference_test(lucene__ecs_windows 99.9)

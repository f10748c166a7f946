# QRadar AQL target with its two pipelines (docs/sigma-convert.md): queries
# must be identical to pySigma's QRadar AQL backend on qradar-aql-fields
# (measured 1757 / 1759) and qradar-aql-payload (2507 / 2554: the rest are
# pySigma quirks ctix does not copy, see the docs), and every rule pySigma
# converts must convert. Reads ../shared (label shared-data, skips with 77
# without it).
ctix_sigma_reference_test(qradar_aql__qradar-aql-fields 99.5)
ctix_sigma_reference_test(qradar_aql__qradar-aql-payload 97.9)

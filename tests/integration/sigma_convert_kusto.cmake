# Microsoft KQL target with its three pipelines (docs/sigma-convert.md):
# queries must be identical to pySigma's kusto backend on microsoft_xdr
# (measured 1610 / 1622), sentinel_asim (1143 / 1155) and azure_monitor
# (880 / 894), and every rule pySigma converts must convert. Reads ../shared
# (label shared-data, skips with 77 without it).
ctix_sigma_reference_test(kusto__microsoft_xdr 99.0)
ctix_sigma_reference_test(kusto__sentinel_asim 98.7)
ctix_sigma_reference_test(kusto__azure_monitor 98.2)

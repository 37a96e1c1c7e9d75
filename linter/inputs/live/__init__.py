"""A live estate: what the active rules need, fetched from Azure Resource Graph and Resource Manager.

- plan.py: from the rules to one KQL query per table (types, filters pushed down, columns) and ARM list calls
- children.py: the child resources Resource Graph does not index, and how Resource Manager lists them
- auth.py: clouds, endpoints and credentials (the Azure SDK is imported here and in the modules below only)
- http.py: one request with pacing from the quota headers, back-off on 429, bounded retries on faults
- graph.py: Resource Graph queries over subscription batches, page by page
- arm.py: Resource Manager list calls with bounded concurrency
- dryrun.py: which parents the rules read children of, and which ids they follow (a dry run of the rules)
- progress.py: progress on standard error
- document.py: the results document (`--save`), which records what was fetched, and its resources
- fetch.py: one audit end to end, into `Loaded`
"""

"""Reports of an analysis: the scan JSON and SARIF, diffs, graph exports."""

# openapi-merge.jq — the served OpenAPI document: docs/openapi.json (the base)
# deep-merged with each module's fragment in docs/openapi/*.json. A fragment
# holds "paths", "components" and optionally "tags" (appended, not replaced).
reduce .[] as $part ({}; (. * ($part | del(.tags))) | .tags = ((.tags // []) + ($part.tags // [])))

// Package docs holds tizme's documentation. It embeds the OpenAPI document
// so that the server serves the very file kept here, never a copy.
package docs

import _ "embed"

// OpenAPI is docs/openapi.yaml, the API reference (OpenAPI 3.1).
//
//go:embed openapi.yaml
var OpenAPI []byte

// Package layering enforces, in its test, the dependency rule between KJB's packages.
package layering

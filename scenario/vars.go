package scenario

import "regexp"

var varName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*$`)

var varRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_.]*)\)`)

// Expand replaces $(name) in s with vars[name]; unknown names become "".
func Expand(s string, vars map[string]string) string {
	return varRef.ReplaceAllStringFunc(s, func(ref string) string {
		return vars[varRef.FindStringSubmatch(ref)[1]]
	})
}

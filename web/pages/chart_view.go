package pages

import "strconv"

// barWidth is the length, out of 100, of a bar for n against the largest
// value most; a non-zero value gets at least a sliver.
func barWidth(n, most int) string {
	if n <= 0 || most <= 0 {
		return "0"
	}
	w := n * 100 / most
	if w < 1 {
		w = 1
	}
	return strconv.Itoa(w)
}

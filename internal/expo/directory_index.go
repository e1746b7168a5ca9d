package expo

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"
)

// DirectoryListing is an approved exhibitor as the in-memory directory
// search needs it: the entry it shows, the text keywords are matched
// against, and its place in each of the directory's orders.
type DirectoryListing struct {
	DirectoryEntry
	// SearchText is the store's search_text: SearchFold of both names, the
	// description and the products, so it holds no upper-case letter.
	SearchText string
	// NameRank and BoothRank are the listing's positions in the name order
	// (name_latin, name, id) and the booth order (booth-less last, booth
	// code, name_latin, id) as the database sorts them with its collation.
	NameRank, BoothRank int
}

// DirectoryIndex answers directory searches from memory, exactly as the
// store's SQL search does, over a snapshot of every approved exhibitor.
// The set is small (about a thousand companies) and read-mostly, so a
// search is one pass over a slice kept in each order; nothing is sorted
// per search, and a keyword is looked for only in the texts that hold all
// its three-byte sequences. An index is read-only once built and safe for
// concurrent use; the entries of its pages share their slices with it.
type DirectoryIndex struct {
	byName    []DirectoryListing
	byBooth   []int32 // positions in byName, in booth order
	countries map[string]int
	// grams narrows keyword matching: for each hash bucket of three-byte
	// sequences, the set of listings (bits by name position) whose search
	// text holds one. Only the listings in every bucket of a keyword's
	// sequences can contain it, and only they are searched.
	grams []uint64 // gramBuckets bit sets of words uint64 each
	words int
	// byteCount counts each byte value in the search texts: a keyword is
	// looked for by its rarest byte (a common first letter would stop the
	// search at nearly every byte).
	byteCount [256]int32
}

// gramBuckets is the number of hash buckets of three-byte sequences
// (2^gramBits); with ~1,000 listings the sets take half a megabyte.
const (
	gramBits    = 12
	gramBuckets = 1 << gramBits
)

// gramBucket is the bucket of the three bytes s starts with (a
// multiplicative hash; collisions only let more texts be searched).
func gramBucket(s string) int {
	return int((uint32(s[0])<<16 | uint32(s[1])<<8 | uint32(s[2])) * 2654435761 >> (32 - gramBits))
}

// NewDirectoryIndex builds the index of listings (every approved exhibitor,
// each once). Listings of equal rank keep the order they come in.
func NewDirectoryIndex(listings []DirectoryListing) *DirectoryIndex {
	ix := &DirectoryIndex{byName: slices.Clone(listings), countries: map[string]int{}}
	slices.SortStableFunc(ix.byName, func(a, b DirectoryListing) int { return cmp.Compare(a.NameRank, b.NameRank) })
	ix.byBooth = make([]int32, len(ix.byName))
	for i := range ix.byBooth {
		ix.byBooth[i] = int32(i)
	}
	slices.SortStableFunc(ix.byBooth, func(a, b int32) int { return cmp.Compare(ix.byName[a].BoothRank, ix.byName[b].BoothRank) })
	ix.words = (len(ix.byName) + 63) / 64
	ix.grams = make([]uint64, gramBuckets*ix.words)
	for i, l := range ix.byName {
		ix.countries[l.Country]++
		t := l.SearchText
		for j := 0; j < len(t); j++ {
			ix.byteCount[t[j]]++
		}
		for j := 0; j+3 <= len(t); j++ {
			ix.grams[gramBucket(t[j:])*ix.words+i/64] |= 1 << (i % 64)
		}
	}
	return ix
}

// Len is the number of approved exhibitors.
func (ix *DirectoryIndex) Len() int { return len(ix.byName) }

// Countries counts the exhibitors of each country. The map is shared:
// callers must not change it.
func (ix *DirectoryIndex) Countries() map[string]int { return ix.countries }

// Search returns the page of q: every keyword of q.Q (Keywords) must occur
// in the search text, and country, sector and hall (exact codes) narrow
// the list; sort "booth" orders by booth, anything else by name. Total
// counts every match; a page past the last one is empty. Page and PerPage
// are as ParseDirectoryQuery makes them (a page below 1 counts as the
// first, a page size below 1 lists nothing).
//
// Keyword semantics equal the store's `search_text LIKE '%kw%'` with every
// wildcard escaped on both databases: the keywords and the search text are
// both SearchFold-ed, so SQLite's ASCII case-insensitive LIKE and
// PostgreSQL's case-sensitive one agree with a plain substring test.
func (ix *DirectoryIndex) Search(q DirectoryQuery) DirectoryPage {
	from := max(q.Offset(), 0)
	to := from + max(q.PerPage, 0)
	page := DirectoryPage{Query: q, Items: make([]DirectoryEntry, 0, min(to-from, len(ix.byName)))}
	// found marks the listings (by name position) holding every keyword;
	// nil without keywords.
	var found []uint64
	for _, kw := range Keywords(q.Q) {
		hits := ix.containing(kw)
		if found == nil {
			found = hits
			continue
		}
		for w := range found {
			found[w] &= hits[w]
		}
	}
	take := func(i int32) {
		l := &ix.byName[i]
		if found != nil && found[i/64]&(1<<(i%64)) == 0 ||
			q.Country != "" && l.Country != q.Country ||
			q.Hall != "" && l.HallCode != q.Hall ||
			q.Sector != "" && !slices.Contains(l.Sectors, q.Sector) {
			return
		}
		if page.Total >= from && page.Total < to {
			page.Items = append(page.Items, l.DirectoryEntry)
		}
		page.Total++
	}
	if q.Sort == "booth" {
		for _, i := range ix.byBooth {
			take(i)
		}
	} else {
		for i := range ix.byName {
			take(int32(i))
		}
	}
	return page
}

// containing marks the listings (by name position) whose search text
// contains kw, a non-empty keyword.
func (ix *DirectoryIndex) containing(kw string) []uint64 {
	hits := make([]uint64, ix.words)
	if len(kw) < 3 {
		for i := range ix.byName {
			hits[i/64] |= 1 << (i % 64)
		}
	} else {
		copy(hits, ix.grams[gramBucket(kw)*ix.words:])
		for j := 1; j+3 <= len(kw); j++ {
			set := ix.grams[gramBucket(kw[j:])*ix.words:]
			for w := range hits {
				hits[w] &= set[w]
			}
		}
	}
	k := 0
	for j := 1; j < len(kw); j++ {
		if ix.byteCount[kw[j]] < ix.byteCount[kw[k]] {
			k = j
		}
	}
	for w, set := range hits {
		for ; set != 0; set &= set - 1 {
			i := w*64 + bits.TrailingZeros64(set)
			if !containsAround(ix.byName[i].SearchText, kw, k) {
				hits[w] &^= 1 << (i % 64)
			}
		}
	}
	return hits
}

// containsAround is strings.Contains(text, kw), looking for kw's byte k
// first.
func containsAround(text, kw string, k int) bool {
	anchor := kw[k]
	for pos := k; pos < len(text); {
		j := strings.IndexByte(text[pos:], anchor)
		if j < 0 {
			return false
		}
		start := pos + j - k
		if start+len(kw) <= len(text) && text[start:start+len(kw)] == kw {
			return true
		}
		pos += j + 1
	}
	return false
}
